"""What the copy holds: everything about the person, and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SYSTEM
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.customers.models import CallerFactor
from trustdesk.dsr.export import fulfil_access
from trustdesk.tickets import cc
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Message
from trustdesk.verification.models import Challenge

from .helpers import attach

pytestmark = pytest.mark.django_db

BOB_EMAIL, BOB_PHONE, BOB_NAME = "bob.brown@example.net", "+44 20 7946 0958", "Bob Brown"


@pytest.fixture
def desk(make_team, make_user, as_actor):
    team = make_team("Billing")
    agent = make_user("agent", teams=[team], name="Carol Staffer",
                      email="carol.staffer@desk.example")
    return team, as_actor(agent)


def test_the_copy_holds_profile_tickets_files_records_and_the_access_report(
        make_customer, make_ticket, officer, access_request, download, desk):
    from django.db import transaction

    team, agent = desk
    ada = make_customer(full_name="Ada Lovelace", email="ada@example.org",
                        phone="+44 20 7946 0001", payment_card="4111 1111 1111 1111")
    ticket = make_ticket(ada, subject="Lost parcel", body="Where is my parcel? Ada.",
                         team=team)
    tickets.ticket_reply(actor=agent, ticket_id=ticket.pk,
                         body="Dear Ada, it is on its way. Carol Staffer")
    tickets.ticket_reply(actor=agent, ticket_id=ticket.pk, body="Internal: VIP customer",
                         internal=True)
    first = ticket.messages.order_by("id").first()
    attach(first, filename="receipt.pdf", data=b"%PDF-1.4 clean receipt")
    attach(first, filename="invoice.exe", data=b"MZ evil", quarantine="executable")
    CallerFactor.objects.create(customer_id=ada.id, kind="email", method="code",
                                passed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    Challenge.objects.create(customer_id=ada.id, actor_label="x", method="sms_code",
                             secret="s" * 64, outcome="passed",
                             expires_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC))
    with transaction.atomic():
        record(actor=agent, action="customer.view", object_type="customer",
               object_id=ada.id)
    from trustdesk.customers import consent

    me = Actor.customer(ada.id)
    consent.consent_give(actor=me, customer_id=ada.id, purpose="field:preferred_language",
                         how="portal")
    consent.object_to(actor=me, customer_id=ada.id, purpose="satisfaction_surveys")
    fulfil_access(actor=officer, request_id=access_request(ada).pk)
    copy = download(ada)

    data = copy.data
    assert data["schema"] == "trustdesk.dsr.export/1"
    profile = {f["field"]: f["value"] for f in data["profile"]}
    assert profile["full_name"] == "Ada Lovelace" and profile["email"] == "ada@example.org"
    assert profile["phone"] == "+442079460001"
    assert "1111 1111 1111" not in profile["payment_card"]  # as stored: BIN and last four
    assert profile["payment_card"].endswith("1111")

    [conversation] = data["conversations"]
    assert conversation["role"] == "requester" and conversation["subject"] == "Lost parcel"
    bodies = [(m["from"], m["body"]) for m in conversation["messages"]]
    assert bodies[0] == ("you", "Where is my parcel? Ada.")
    assert bodies[1][0] == "Agent" and "Dear Ada, it is on its way." in bodies[1][1]
    assert "VIP" not in copy.text  # internal notes are not part of the copy
    files = {f["filename"]: f for f in conversation["messages"][0]["attachments"]}
    assert files["receipt.pdf"]["withheld"] == ""
    assert copy.file(files["receipt.pdf"]["name"]) == b"%PDF-1.4 clean receipt"
    assert files["invoice.exe"]["withheld"] and not files["invoice.exe"]["name"]
    assert not any("invoice" in n for n in copy.names)

    assert {(v["what"], v["method"], v["result"]) for v in data["verification"]} >= {
        ("factor passed", "code", "passed"), ("verification attempt", "sms_code", "passed")}
    assert "s" * 64 not in copy.text
    given, objected = data["consent"]
    assert (given["record"], given["purpose"], given["how"], given["by_you"]) == (
        "consent", "field:preferred_language", "portal", True)
    assert given["wording"] and given["withdrawn_at"] is None
    assert (objected["record"], objected["purpose"]) == ("objection",
                                                         "satisfaction_surveys")
    [req] = data["privacy_requests"]
    assert req["kind"] == "access"

    report = data["access_report"]
    assert {"by": "Agent, team Billing", "action": "customer.view"}.items() <= next(
        e for e in report if e["action"] == "customer.view").items()
    for staff in ("Carol", "Staffer", "carol.staffer@desk.example", "privacy_officer"):
        assert staff not in copy.text
    assert "Lost parcel" in copy.html and "Agent, team Billing" in copy.html


def test_another_persons_data_leaves_no_trace_in_a_shared_ticket(
        make_customer, make_ticket, officer, access_request, download, desk):
    team, agent = desk
    ada = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    bob = make_customer(full_name=BOB_NAME, email=BOB_EMAIL, phone=BOB_PHONE)
    shared = make_ticket(ada, subject="Team order", body="Please copy my colleague.",
                         team=team)
    cc.ticket_cc_change(actor=agent, ticket_id=shared.pk, add=[BOB_EMAIL])
    # Bob, copied, writes back: intake gives him a ticket of his own (no ticket trick).
    make_ticket(bob, subject="Re: Team order",
                body=f"Bob here. Reach me at {BOB_EMAIL} or {BOB_PHONE}.")
    tickets.ticket_reply(actor=agent, ticket_id=shared.pk, body=(
        f"Dear Ada, I have noted that {BOB_NAME} ({BOB_EMAIL}, {BOB_PHONE}) is copied. "
        "Someone else, eve.other@elsewhere.test, asked too. Regards, Carol Staffer"))

    fulfil_access(actor=officer, request_id=access_request(ada).pk)
    ada_copy = download(ada)
    assert "Please copy my colleague." in ada_copy.text
    assert "Dear Ada" in ada_copy.text and "ada@example.org" in ada_copy.text
    for trace in ("bob", "Bob", "Brown", "example.net", "7946 0958", "79460958",
                  "Carol", "Staffer", "eve.other", "elsewhere.test"):
        assert trace not in ada_copy.raw_json, trace
        assert trace not in ada_copy.html, trace
    [conversation] = ada_copy.data["conversations"]
    assert conversation["others_copied"] == 1

    fulfil_access(actor=officer, request_id=access_request(bob).pk)
    bob_copy = download(bob)
    own = [c for c in bob_copy.data["conversations"] if c["role"] == "requester"]
    assert own[0]["messages"][0]["body"] == (
        f"Bob here. Reach me at {BOB_EMAIL} or {BOB_PHONE}.")
    [copied] = [c for c in bob_copy.data["conversations"] if c["role"] == "copied"]
    assert "Team order" not in copied["subject"]
    first, reply = copied["messages"]
    assert first["withheld"] and first["body"] == "A message from another person, withheld."
    assert "Please copy my colleague" not in bob_copy.text
    assert BOB_NAME in reply["body"]  # his own name stays in what was sent to him
    for trace in ("Ada", "Lovelace", "ada@example.org", "Carol"):
        assert trace not in bob_copy.text, trace


def test_html_in_a_message_is_shown_as_text(make_customer, make_ticket, officer,
                                            access_request, download):
    ada = make_customer()
    hostile = ('<script>alert(1)</script><img src="https://evil.example/x.png">'
               '<a href="javascript:alert(2)">x</a></pre><iframe src=//evil.example>')
    ticket = make_ticket(ada, subject="<b>bold</b>", body=hostile)
    attach(ticket.messages.first(), filename='"><img src=x onerror=alert(3)>.txt',
           data=b"hello")
    fulfil_access(actor=officer, request_id=access_request(ada).pk)
    copy = download(ada)
    assert "<script" not in copy.html and "<img" not in copy.html
    assert "<iframe" not in copy.html and "<b>" not in copy.html
    assert 'href="javascript' not in copy.html and "<a href=\"\"" not in copy.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in copy.html
    assert "default-src 'none'" in copy.html
    # The file's name inside the ZIP is a plain name, whatever the sender called it.
    [name] = [n for n in copy.names if n.startswith("attachments/")]
    assert "/" not in name.removeprefix("attachments/") and ">" not in name
    assert copy.data["conversations"][0]["messages"][0]["body"] == hostile


def test_a_message_count_matches_what_was_written(make_customer, make_ticket, officer,
                                                  access_request):
    ada = make_customer()
    make_ticket(ada)
    issued = fulfil_access(actor=officer, request_id=access_request(ada).pk)
    assert issued.counts["messages"] == Message.objects.filter(
        ticket__customer_id=ada.id).exclude(direction="note").count()
    assert SYSTEM  # the fixtures' actor stays importable here
