"""The audit-trail page: only those who hold audit.read see it, reading it is recorded,
the filters narrow the events, and "Verify now" reports an intact or tampered trail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from helpers import agent_actor, record_event
from trustdesk.audit.models import AuditChainLink, AuditEvent, AuditVerification
from trustdesk.core import clock
from trustdesk.customers import selectors as customer_selectors

pytestmark = pytest.mark.django_db

URL = reverse("console:audit")
VERIFY = reverse("console:audit_verify")


def _html(response) -> str:
    return response.content.decode()


def _rows(response) -> list[str]:
    """The table rows of events on the page, as text."""
    html = _html(response)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def _actions(response) -> list[str]:
    return [re.search(r"<code>([^<]+)</code>", row).group(1) for row in _rows(response)]


def _record(label: str = "someone@example.com", *, at: dt.datetime | None = None,
            **kwargs) -> AuditEvent:
    return record_event(agent_actor(label), at=at, **kwargs)


@pytest.fixture
def officer(make_user):
    return make_user("security_officer")


@pytest.fixture
def officer_client(console_client, officer):
    return console_client(officer)


@pytest.mark.parametrize("role", ["security_officer", "auditor"])
def test_overseers_see_the_trail(role, make_user, console_client, customer):
    user = make_user(role)
    client = console_client(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = _html(response)
    assert f'href="{URL}" data-nav="audit">Audit trail</a>' in html
    # The link sits just before "Encryption keys" (for the roles that see both).
    if "Encryption keys" in html:
        assert html.index("Audit trail</a>") < html.index("Encryption keys</a>")
    assert "The trail has not been verified yet." in html
    assert "Verify now" in html
    actions = _actions(response)
    assert "customer.create" in actions
    # Newest first: the fixture made the customer, then the test the user (who enrolled an
    # authenticator app if the role requires one), who signed in.
    enrolled = ["mfa.add"] if user.totp_secret else []
    assert actions[:3 + len(enrolled)] == ["auth.login", *enrolled, "agent.create",
                                           "customer.create"]
    # Events name objects, never values.
    assert "Ada Lovelace" not in html and "ada@example.org" not in html


@pytest.mark.parametrize("role", ["agent", "senior_agent", "supervisor", "billing", "admin",
                                  "privacy_officer"])
def test_other_roles_are_refused(role, make_user, console_client):
    user = make_user(role)
    client = console_client(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Not allowed" in _html(response)
    assert "Audit trail" not in _html(client.get(reverse("console:tokens")))

    response = client.post(VERIFY)
    assert response.status_code == 403
    assert not AuditVerification.objects.exists()
    assert not AuditEvent.objects.filter(action__in=("audit.view", "audit.verify")).exists()
    denied = AuditEvent.objects.filter(action="access.denied", actor_label=user.email)
    assert {e.context["path"] for e in denied} == {URL, VERIFY}
    assert {e.context["permission"] for e in denied} == {"audit.read"}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for response in (client.get(URL), client.post(VERIFY)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not AuditVerification.objects.exists()


def test_reading_the_page_is_recorded(officer_client, officer):
    officer_client.get(URL, {"action": "customer.", "outcome": "allowed", "page": "1"})
    event = AuditEvent.objects.filter(action="audit.view").get()
    assert event.actor_label == officer.email
    assert event.actor_kind == "agent"
    assert event.object_type == "audit"
    assert event.context == {"filters": {"action": "customer.", "outcome": "allowed"},
                             "page": 1}


def test_filter_by_actor(officer_client, agent, as_actor, customer):
    customer_selectors.customer_get(actor=as_actor(agent), customer_id=customer.id)
    _record("other@example.com", action="customer.view", object_type="customer",
            object_id=customer.id)
    response = officer_client.get(URL, {"actor": f"  {agent.email.upper()} "})
    assert response.status_code == 200
    assert _actions(response) == ["customer.view"]
    assert agent.email in _rows(response)[0]


def test_filter_by_action_exact_and_prefix(officer_client, make_ticket, customer):
    make_ticket(customer)
    _record(action="customers.weird")  # "customer." must not match "customers."
    prefix = _actions(officer_client.get(URL, {"action": "customer."}))
    assert prefix and set(prefix) == {"customer.create"}
    exact = _actions(officer_client.get(URL, {"action": "ticket.create"}))
    assert exact == ["ticket.create"]
    # Without the dot, an action is matched exactly, not as a prefix.
    assert _actions(officer_client.get(URL, {"action": "ticket"})) == []


def test_filter_by_outcome(officer_client, agent_client):
    agent_client.get(URL)  # refused, and recorded as such
    response = officer_client.get(URL, {"outcome": "denied"})
    assert _actions(response) == ["access.denied"]
    assert "Denied" in _rows(response)[0]
    assert "access.denied" not in _actions(officer_client.get(URL, {"outcome": "allowed"}))


def test_filter_by_customer(officer_client, make_customer, make_ticket):
    ada, bob = make_customer(), make_customer()
    make_ticket(ada)
    make_ticket(bob)
    response = officer_client.get(URL, {"customer_id": str(ada.id)})
    assert sorted(_actions(response)) == ["customer.create", "ticket.create"]
    assert all(str(bob.id) not in row for row in _rows(response))


def test_filter_by_date_range(officer_client):
    now = clock.now()
    _record(action="test.old", at=now - dt.timedelta(days=10))
    _record(action="test.mid", at=now - dt.timedelta(days=5))
    _record(action="test.new", at=now)
    day = (now - dt.timedelta(days=5)).date()

    def actions(**params):
        return _actions(officer_client.get(URL, {"action": "test.", **params}))

    assert actions(since=day.isoformat()) == ["test.new", "test.mid"]
    # "To" includes the whole of that day.
    assert actions(until=day.isoformat()) == ["test.mid", "test.old"]
    assert actions(since=day.isoformat(), until=day.isoformat()) == ["test.mid"]
    assert actions(until=(day - dt.timedelta(days=1)).isoformat()) == ["test.old"]


@pytest.mark.parametrize("params", [
    {"since": "yesterday"}, {"until": "2024-13-01"}, {"customer_id": "not-a-uuid"},
    {"outcome": "maybe"}, {"action": "x" * 65}, {"actor": "a\x00b"},
    {"since": "2024-05-02", "until": "2024-05-01"},
])
def test_invalid_filters_are_explained_not_a_server_error(officer_client, params):
    response = officer_client.get(URL, params)
    assert response.status_code == 400
    html = _html(response)
    assert 'class="field-error"' in html
    assert "Correct the filters above" in html
    assert not AuditEvent.objects.filter(action="audit.view").exists()


def test_junk_page_numbers_fall_back(officer_client):
    for page in ("0", "-3", "x", "99999999999999999999"):
        assert officer_client.get(URL, {"page": page}).status_code == 200, page


def test_paging_keeps_the_filters(officer_client):
    for i in range(55):
        _record(action="test.bulk", object_type="thing", object_id=i)
    first = officer_client.get(URL, {"action": "test.bulk"})
    assert len(_rows(first)) == 50
    assert "55 events · page 1 of 2" in _html(first)
    assert "?action=test.bulk&amp;page=2" in _html(first)
    assert '<span class="small">54</span>' in _rows(first)[0]  # newest first

    second = officer_client.get(URL, {"action": "test.bulk", "page": 2})
    assert len(_rows(second)) == 5
    assert "?action=test.bulk&amp;page=1" in _html(second)
    assert '<span class="small">0</span>' in _rows(second)[-1]


def test_event_columns(officer_client):
    _record("agent9@example.com", action="customer.reveal", object_type="customer",
            object_id="c-42", fields=["phone", "email"], outcome="denied",
            reason="Caller verified by code")
    row = _rows(officer_client.get(URL, {"action": "customer.reveal"}))[0]
    for text in ("agent9@example.com", "customer.reveal", "customer", "c-42", "email, phone",
                 "Denied", "Caller verified by code", "203.0.113.7"):
        assert text in row, text


def test_verify_now_on_an_intact_trail(officer_client, officer, make_ticket):
    make_ticket()
    response = officer_client.post(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == URL
    html = _html(officer_client.get(URL))
    assert "The audit trail is intact:" in html
    assert '<span class="badge verify-ok">OK</span>' in html

    verification = AuditVerification.objects.get()
    assert verification.ok and verification.checked > 0
    assert verification.first_bad_seq is None
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.actor_label == officer.email
    assert event.context["ok"] is True
    assert event.context["checked"] == verification.checked


def test_verify_now_names_the_tampered_position(officer_client, make_ticket):
    make_ticket()
    officer_client.post(VERIFY)  # chains everything so far; all intact
    victim = AuditEvent.objects.filter(action="ticket.create").get()
    seq = AuditChainLink.objects.get(event_id=victim.pk).seq

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    AuditEvent.objects.filter(pk=victim.pk).update(  # the reason, inside the body
        body=bytes(victim.body).replace(b'"reason":""', b'"reason":"edited"'))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    response = officer_client.post(VERIFY, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    html = _html(response)
    assert f"Verification FAILED at position {seq}:" in html
    assert f"the event at position {seq} (id {victim.pk}) was modified" in html
    assert '<span class="badge verify-failed">FAILED</span>' in html
    assert f"<dt>First bad position</dt><dd>{seq}</dd>" in html

    latest = AuditVerification.objects.order_by("-id").first()
    assert (latest.ok, latest.first_bad_seq) == (False, seq)
    assert AuditEvent.objects.filter(action="audit.verify").count() == 2
    failed = AuditEvent.objects.filter(action="audit.verify").order_by("-id").first()
    assert failed.context["ok"] is False and failed.context["first_bad_seq"] == seq


def test_verify_needs_post_and_csrf(officer, make_ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get(VERIFY).status_code == 405
    assert client.post(VERIFY).status_code == 403
    assert not AuditVerification.objects.exists()
    # The page's own form carries the token.
    html = _html(client.get(URL))
    form = re.search(rf'<form method="post" action="{VERIFY}">(.*?)</form>', html, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert client.post(VERIFY, {"csrfmiddlewaretoken": token}).status_code == 302
    assert AuditVerification.objects.get().ok


def test_page_works_under_the_strict_csp(officer_client):
    response = officer_client.get(URL)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    html = _html(response)
    assert "<script>" not in html and " style=" not in html
    # Every filter input has a label (keyboard and screen-reader users).
    for name in ("actor", "customer_id", "action", "outcome", "since", "until"):
        assert re.search(rf'<label class="filter">[^<]*<(input|select)[^>]*name="{name}"',
                         html), name
