"""The received and suspended mail: ``/mail/`` in the console, ``/api/v1/mail/messages``
and ``trustdesk mail queue``, one flow behind all three (``mailgateway.suspended``); who
may see and decide what; the sender shown under the field policy; every decision
audited."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from trustdesk.audit.models import AuditEvent
from trustdesk.mailgateway import gateway, policy
from trustdesk.mailgateway.analysis import message as mime
from trustdesk.mailgateway.models import InboundMail, Route

pytestmark = pytest.mark.django_db
API = "/api/v1/mail/messages"
SENDER = "ada.secret@example.org"


@pytest.fixture
def held(db):
    route = Route.objects.create(address="support@acme.test")
    raw = (f"From: Ada <{SENDER}>\r\nTo: support@acme.test\r\nSubject: Refund to card "
           f"4111111111111111\r\n\r\nPlease refund.\r\n").encode()
    decision = policy.Decision(action="suspend", reason="dmarc_quarantine",
                               text="Failed DMARC (quarantine).",
                               checks={"from_domain": "example.org",
                                       "dmarc": {"result": "fail", "domain": "example.org"}})
    envelope = gateway.Envelope(peer_ip="192.0.2.1", helo="mx.example.org",
                                mail_from=SENDER, recipients=(route.address,))
    return gateway.store(envelope, raw, route=route, decision=decision)


def test_officers_list_and_open_held_mail_under_the_field_policy(
        held, make_user, api_client, console_client):
    officer = make_user("security_officer")
    api = api_client(officer)
    [row] = api.get(API).json()
    assert row["id"] == str(held.uid) and row["state"] == "suspended"
    assert row["reason"] == "dmarc_quarantine" and "sender" not in row
    detail = api.get(f"{API}/{held.uid}").json()
    # Security officers may not see customers' email addresses: the domain only.
    assert detail["sender"] == "[address withheld] @example.org"
    assert "4111111111111111" not in detail["subject"] and "Refund to card" in detail["subject"]
    page = console_client(officer).get(f"/mail/{held.uid}/").content.decode()
    assert SENDER not in page and "failed DMARC for example.org" in page
    assert AuditEvent.objects.filter(action="mail.view", object_id=str(held.uid)).count() == 2


def test_agents_and_supervisors_neither_see_nor_decide(held, make_user, api_client,
                                                      console_client):
    for role in ("agent", "supervisor", "billing", "auditor"):
        user = make_user(role)
        api, console = api_client(user), console_client(user)
        assert api.get(API).status_code == 403
        assert api.get(f"{API}/{held.uid}").status_code == 403
        assert api.post(f"{API}/{held.uid}/release", {},
                        content_type="application/json").status_code == 403
        assert console.get("/mail/").status_code == 403
        assert console.post(f"/mail/{held.uid}/delete/").status_code == 403
    held.refresh_from_db()
    assert held.state == InboundMail.State.SUSPENDED and held.raw_sealed is not None


def test_release_and_delete_through_the_api_console_and_cli(held, make_user, api_client,
                                                           console_client, system):
    admin = make_user("admin")
    response = api_client(admin).post(f"{API}/{held.uid}/release",
                                      {"reason": "Known partner"},
                                      content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "queued"
    assert DBTaskResult.objects.filter(task_path__endswith="mail_intake").exists()
    event = AuditEvent.objects.get(action="mail.release")
    assert event.actor_user_id == admin.pk and event.context["why"] == "Known partner"
    # Released mail is no longer suspended: a second decision is a conflict.
    again = api_client(admin).post(f"{API}/{held.uid}/delete", {},
                                   content_type="application/json")
    assert again.status_code == 409
    InboundMail.objects.filter(pk=held.pk).update(state="suspended")
    response = console_client(admin).post(f"/mail/{held.uid}/delete/", {"reason": "spam"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == "deleted" and held.raw_sealed is None
    out = StringIO()
    call_command("mail", "queue", "list", "--state", "deleted", stdout=out)
    assert str(held.uid) in out.getvalue()
    with pytest.raises(CommandError, match="Only suspended mail"):
        call_command("mail", "queue", "release", str(held.uid), stdout=StringIO())


def test_the_api_refuses_unknown_states_and_ids(held, make_user, api_client):
    client = api_client(make_user("admin"))
    assert client.get(API + "?state=everything").status_code == 400
    assert client.get(f"{API}/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get(API + "?state=all").status_code == 200


@pytest.mark.parametrize("raw", [b"", b"\xff" * 100, b"From:\r\n\r\n", b"--\r\n" * 500,
                                 b"Content-Type: multipart/mixed; boundary=a\r\n\r\n" +
                                 b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 60])
def test_the_parser_takes_anything(raw):
    parsed = mime.parse(raw)
    assert isinstance(parsed, mime.Parsed)


def test_random_mime_never_breaks_the_parser():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    header = st.sampled_from([b"From", b"To", b"Subject", b"Content-Type", b"Reply-To",
                              b"Content-Transfer-Encoding", b"Auto-Submitted", b"References"])
    value = st.binary(max_size=80)
    part = st.tuples(header, value).map(lambda hv: hv[0] + b": " + hv[1])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(part, max_size=12), st.binary(max_size=2000))
    def check(headers, body):
        parsed = mime.parse(b"\r\n".join(headers) + b"\r\n\r\n" + body)
        assert parsed.from_count >= 0 and isinstance(parsed.text, str)

    check()
