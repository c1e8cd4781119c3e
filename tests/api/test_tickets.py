"""Tickets, their conversation and their attachments over the JSON API."""

from __future__ import annotations

import base64
import hashlib

import pytest

from helpers import opened_attachment
from pdfs import text_pdf
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

# A real PDF: a damaged one is quarantined (tests/pii/test_intake_fails_closed.py).
PDF = text_pdf("Receipt for March")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def get_ticket(client, ticket_id):
    response = client.get(f"/api/v1/tickets/{ticket_id}")
    assert response.status_code == 200, response.content
    return response.json()


def ticket_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


# Taking a customer's message down oneself is a declared contact, which needs a reason.
CALLER = "Caller on the line"


# --- create and read ---------------------------------------------------------------------
def test_create_with_first_message_and_attachment(agent_api, post_json, make_customer):
    customer = make_customer(full_name="Ada Lovelace")

    response = post_json(agent_api, "/tickets", {
        "reason": CALLER,
        "customer_id": str(customer.id), "subject": "  Where is   my order? ",
        "body": "Ordered two weeks ago.", "priority": "high",
        "attachments": [{"filename": "receipt.pdf", "content_type": "application/pdf",
                         "content_base64": b64(PDF)}],
    })

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Where is my order?"
    assert (body["status"], body["priority"], body["channel"]) == ("new", "high", "api")
    assert body["customer_id"] == str(customer.id)
    assert body["customer_name"] == "Ada Lovelace"
    assert body["assignee"] is None and body["team"] is None
    [message] = body["messages"]
    assert (message["direction"], message["body"], message["author"]) == (
        "inbound", "Ordered two weeks ago.", None)
    [attachment] = message["attachments"]
    assert attachment["filename"] == "receipt.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size"] == len(PDF)
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = Attachment.objects.select_related("message__ticket").get(pk=attachment["id"])
    assert PDF not in bytes(stored.data)  # sealed at rest
    assert opened_attachment(stored).content == PDF


def test_create_for_an_unknown_customer_is_400(agent_api, post_json, api_error):
    response = post_json(agent_api, "/tickets", {
        "reason": CALLER,
        "customer_id": "00000000-0000-4000-8000-000000000000", "subject": "Hi", "body": "x"})
    api_error(response, 400, "invalid", "customer_id")
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(("payload", "field"), [
    ({"subject": "   "}, "subject"),
    ({"body": " \x00 "}, "body"),
    ({"attachments": [{"filename": "a.txt", "content_base64": "***"}]},
     "attachments.0.content_base64"),
    ({"attachments": [{"filename": "a.txt", "content_base64": ""}]}, "attachments"),
])
def test_create_rejects_bad_input_and_stores_nothing(agent_api, post_json, make_customer,
                                                     api_error, payload, field):
    customer = make_customer()
    data = {"customer_id": str(customer.id), "subject": "Help", "body": "Please",
            "reason": CALLER, **payload}
    api_error(post_json(agent_api, "/tickets", data), 400, field=field)
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0


def test_get_returns_the_conversation(agent_api, make_ticket, make_customer, system):
    ticket = make_ticket(make_customer(full_name="Grace Hopper"), subject="Broken screen",
                         body="It cracked.")
    tickets.ticket_reply(actor=system, ticket_id=ticket.pk, body="Sorry to hear!")

    body = get_ticket(agent_api, ticket.pk)

    assert body["id"] == ticket.pk
    assert body["subject"] == "Broken screen"
    assert body["customer_name"] == "Grace Hopper"
    assert [(m["direction"], m["body"]) for m in body["messages"]] == [
        ("inbound", "It cracked."), ("outbound", "Sorry to hear!")]
    listed = agent_api.get(f"/api/v1/tickets/{ticket.pk}/messages")
    assert listed.status_code == 200
    assert listed.json() == body["messages"]


def test_get_unknown_ticket_is_404(agent_api, api_error):
    api_error(agent_api.get("/api/v1/tickets/987654321"), 404, "not_found")


# --- list and filters --------------------------------------------------------------------
@pytest.fixture
def queue(make_ticket, make_customer, supervisor, system):
    """A handful of tickets in different states, all visible to the supervisor."""
    ada, bob = make_customer(full_name="Ada"), make_customer(full_name="Bob")
    q = {
        "refund": make_ticket(ada, subject="Refund for order 1234"),
        "login": make_ticket(ada, subject="Cannot log in", priority="urgent"),
        "invoice": make_ticket(bob, subject="Invoice address wrong"),
        "solved": make_ticket(bob, subject="Parcel damaged"),
    }
    tickets.ticket_update(actor=system, ticket_id=q["solved"].pk, status="solved")
    tickets.ticket_update(actor=system, ticket_id=q["login"].pk, assignee_id=supervisor.pk)
    tickets.ticket_reply(actor=system, ticket_id=q["invoice"].pk, body="On it.")
    q["ada"], q["bob"] = ada, bob
    return q


def test_list_filters(supervisor_api, queue):
    def ids(**params):
        return set(ticket_ids(supervisor_api.get("/api/v1/tickets", params)))

    q = queue
    everything = {q[k].pk for k in ("refund", "login", "invoice", "solved")}
    assert ids() == everything
    assert ids(status="new") == {q["refund"].pk, q["login"].pk}
    assert ids(status="pending") == {q["invoice"].pk}
    assert ids(status="solved") == {q["solved"].pk}
    assert ids(status="active") == everything - {q["solved"].pk}
    assert ids(priority="urgent") == {q["login"].pk}
    assert ids(assignee="me") == {q["login"].pk}
    assert ids(assignee="none") == everything - {q["login"].pk}
    assert ids(q=str(q["invoice"].pk)) == {q["invoice"].pk}
    assert ids(q=f"#{q['invoice'].pk}") == {q["invoice"].pk}
    assert ids(q="refund") == {q["refund"].pk}
    assert ids(q="LOG IN") == {q["login"].pk}
    assert ids(q="no such words") == set()
    assert ids(customer_id=str(q["ada"].id)) == {q["refund"].pk, q["login"].pk}
    assert ids(customer_id=str(q["bob"].id), status="solved") == {q["solved"].pk}


def test_list_rows_and_paging(supervisor, supervisor_api, queue):
    page = supervisor_api.get("/api/v1/tickets", {"page_size": 3}).json()
    assert (page["page"], page["page_size"], page["total"]) == (1, 3, 4)
    assert len(page["items"]) == 3
    row = next(t for t in page["items"] if t["id"] == queue["login"].pk)
    assert row["customer_name"] == "Ada"
    assert row["assignee"] == {"id": supervisor.pk, "name": supervisor.full_name}
    second = supervisor_api.get("/api/v1/tickets", {"page_size": 3, "page": 2}).json()
    assert len(second["items"]) == 1
    assert {t["id"] for t in page["items"]}.isdisjoint({t["id"] for t in second["items"]})


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "sleeping"}, "status"), ({"priority": "meh"}, "priority"),
    ({"assignee": "someone"}, "assignee"), ({"order": "random"}, "order"),
    ({"customer_id": "not-a-uuid"}, "customer_id"),
])
def test_list_rejects_unknown_filter_values(supervisor_api, api_error, params, field):
    api_error(supervisor_api.get("/api/v1/tickets", params), 400, field=field)


# --- changes -----------------------------------------------------------------------------
def test_patch_status_and_priority(agent_api, post_json, make_ticket, api_error):
    ticket = make_ticket()

    response = post_json(agent_api, f"/tickets/{ticket.pk}",
                         {"status": "open", "priority": "urgent"}, method="patch")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["priority"]) == ("open", "urgent")
    assert "messages" not in body
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("open", "urgent")
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"status": "asleep"},
                        method="patch"), 400, field="status")


def test_agent_may_take_an_unassigned_ticket(agent, agent_api, post_json, make_ticket):
    ticket = make_ticket()

    response = post_json(agent_api, f"/tickets/{ticket.pk}", {"assignee_id": agent.pk},
                         method="patch")

    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == {"id": agent.pk, "name": agent.full_name}
    # ... and let go of it again.
    response = post_json(agent_api, f"/tickets/{ticket.pk}", {"assignee_id": None},
                         method="patch")
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] is None


def test_agent_may_not_assign_to_someone_else(agent, other_agent, agent_api, post_json,
                                              make_ticket, api_error, system):
    ticket = make_ticket()
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"assignee_id": other_agent.pk},
                        method="patch"), 403, "forbidden")
    ticket.refresh_from_db()
    assert ticket.assignee_id is None

    # Nor hand their own ticket on, nor take a colleague's.
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, assignee_id=agent.pk)
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"assignee_id": other_agent.pk},
                        method="patch"), 403, "forbidden")
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, assignee_id=other_agent.pk)
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"assignee_id": agent.pk},
                        method="patch"), 403, "forbidden")
    ticket.refresh_from_db()
    assert ticket.assignee_id == other_agent.pk


def test_agent_may_not_move_a_ticket_to_a_team(agent_api, post_json, make_ticket, team_a,
                                               api_error):
    ticket = make_ticket()
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"team_id": team_a.pk},
                        method="patch"), 403, "forbidden")


def test_supervisor_may_assign(supervisor_api, post_json, make_ticket, agent, other_agent,
                               team_b):
    ticket = make_ticket()

    response = post_json(supervisor_api, f"/tickets/{ticket.pk}",
                         {"assignee_id": agent.pk, "team_id": team_b.pk}, method="patch")
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == agent.pk
    assert response.json()["team"] == {"id": team_b.pk, "name": "Team B"}

    response = post_json(supervisor_api, f"/tickets/{ticket.pk}",
                         {"assignee_id": other_agent.pk}, method="patch")
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.team_id) == (other_agent.pk, team_b.pk)


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_tickets_are_assigned_only_to_agents(supervisor_api, post_json, make_ticket,
                                             make_user, api_error, role):
    ticket = make_ticket()
    not_an_agent = make_user(role)
    api_error(post_json(supervisor_api, f"/tickets/{ticket.pk}",
                        {"assignee_id": not_an_agent.pk}, method="patch"),
              400, field="assignee_id")
    api_error(post_json(supervisor_api, f"/tickets/{ticket.pk}", {"assignee_id": 10**9},
                        method="patch"), 400, field="assignee_id")


# --- messages ----------------------------------------------------------------------------
def test_reply_moves_a_new_ticket_to_pending_and_takes_it(agent, agent_api, post_json,
                                                          make_ticket):
    ticket = make_ticket()

    response = post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                         {"body": "We have sent a replacement."})

    assert response.status_code == 201, response.content
    message = response.json()
    assert message["direction"] == "outbound"
    assert message["author"] == {"id": agent.pk, "name": agent.full_name}
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert ticket.assignee_id == agent.pk


def test_note_does_not_change_status(agent_api, post_json, make_ticket):
    ticket = make_ticket()
    before = ticket.last_message_at

    response = post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                         {"body": "Customer called, angry.", "direction": "note"})

    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "note"
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.assignee_id is None
    assert ticket.last_message_at == before


def test_reply_with_an_explicit_status(agent_api, post_json, make_ticket):
    ticket = make_ticket()
    response = post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                         {"body": "Refunded.", "status": "solved"})
    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.solved_at is not None


def test_inbound_reopens_a_solved_ticket(agent_api, post_json, make_ticket, system, api_error):
    ticket = make_ticket()
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, status="solved")

    response = post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                         {"body": "It broke again.", "direction": "inbound", "reason": CALLER})

    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "inbound"
    assert response.json()["author"] is None
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.solved_at is None
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                        {"body": "x", "direction": "inbound", "status": "open",
                         "reason": CALLER}),
              400, field="status")


def test_closed_ticket_refuses_messages_and_changes(agent_api, post_json, make_ticket, system,
                                                    api_error):
    ticket = make_ticket()
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, status="closed")
    count = Message.objects.filter(ticket=ticket).count()

    for direction in ("outbound", "note", "inbound"):
        api_error(post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                            {"body": "Hello?", "direction": direction,
                             "reason": CALLER}), 409, "ticket_closed")
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}", {"status": "open"},
                        method="patch"), 409, "ticket_closed")
    assert Message.objects.filter(ticket=ticket).count() == count
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_empty_reply_is_400(agent_api, post_json, make_ticket, api_error):
    ticket = make_ticket()
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}/messages", {"body": "  "}),
              400, field="body")
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_reply_to_unknown_ticket_is_404(agent_api, post_json, api_error):
    api_error(post_json(agent_api, "/tickets/987654321/messages", {"body": "Hi"}), 404,
              "not_found")


# --- attachments -------------------------------------------------------------------------
def test_attachment_download_is_always_a_download(agent_api, post_json, make_ticket):
    ticket = make_ticket()
    html = b"<script>alert(1)</script>"
    response = post_json(agent_api, f"/tickets/{ticket.pk}/messages", {
        "body": "See attached.", "direction": "note",
        "attachments": [{"filename": "../../evil \"page\".html", "content_type": "text/html",
                         "content_base64": b64(html)}],
    })
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["filename"] == 'evil "page".html'

    download = agent_api.get(f"/api/v1/attachments/{attachment['id']}")

    assert download.status_code == 200
    assert download.content == html
    assert download["Content-Type"] == "application/octet-stream"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename=\"evil 'page'.html\"" in disposition
    assert download["X-Content-Type-Options"] == "nosniff"


def test_download_of_the_first_message_attachment(agent_api, post_json, make_customer):
    created = post_json(agent_api, "/tickets", {
        "reason": CALLER,
        "customer_id": str(make_customer().id), "subject": "Receipt", "body": "Attached.",
        "attachments": [{"filename": "r.pdf", "content_base64": b64(PDF)}],
    }).json()
    attachment_id = created["messages"][0]["attachments"][0]["id"]
    download = agent_api.get(f"/api/v1/attachments/{attachment_id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")


def test_unknown_attachment_is_404(agent_api, api_error):
    api_error(agent_api.get("/api/v1/attachments/987654321"), 404, "not_found")


def test_oversize_attachment_is_413_and_stores_nothing(settings, agent_api, post_json,
                                                       make_customer, make_ticket, api_error):
    settings.ATTACHMENT_MAX_BYTES = 16
    customer = make_customer()
    ticket = make_ticket(customer)
    tickets_before, messages_before = Ticket.objects.count(), Message.objects.count()
    big = {"filename": "big.bin", "content_base64": b64(b"x" * 17)}

    api_error(post_json(agent_api, "/tickets", {
        "reason": CALLER,
        "customer_id": str(customer.id), "subject": "Big", "body": "file",
        "attachments": [big]}), 413, "attachment_too_large", "attachments")
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                        {"body": "file", "attachments": [big]}),
              413, "attachment_too_large", "attachments")

    assert (Ticket.objects.count(), Message.objects.count()) == (tickets_before,
                                                                 messages_before)
    assert Attachment.objects.count() == 0
    ticket.refresh_from_db()
    assert ticket.status == "new"
    ok = {"filename": "ok.bin", "content_base64": b64(b"x" * 16)}
    assert post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                     {"body": "file", "attachments": [ok]}).status_code == 201


def test_too_many_attachments_is_400(agent_api, post_json, make_ticket, api_error):
    ticket = make_ticket()
    one = {"filename": "a.txt", "content_base64": b64(b"a")}
    api_error(post_json(agent_api, f"/tickets/{ticket.pk}/messages",
                        {"body": "files", "attachments": [one] * 6}), 400)
    assert Attachment.objects.count() == 0
