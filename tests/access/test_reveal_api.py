"""Reveal-with-reason and need-to-know over the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from planted import PAN
from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


def _events(action="customer.reveal"):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_agent_sees_masked_values_and_reveals_one_with_a_reason(
        agent, api_client, customer, assigned, reveal_json):
    client = api_client(agent)
    body = client.get(f"/api/v1/customers/{customer.id}").json()
    assert body["profile"]["email"] == "a***@example.org"
    assert body["profile"]["account_number"] == "•••••••••7766"
    assert "payment_card" not in body["profile"] and "payment_card" not in body["access"]
    assert body["access"]["account_number"] == "revealable"

    before = timezone.now()
    response = reveal_json(client, customer.id, "account_number")
    assert response.status_code == 200, response.content
    revealed = response.json()
    assert revealed["value"] == "ACCT-99887766"
    assert revealed["break_glass"] is False
    expires = dt.datetime.fromisoformat(revealed["expires_at"])
    assert before + dt.timedelta(seconds=59) <= expires <= timezone.now() + dt.timedelta(
        seconds=61)

    [event] = _events()
    assert event.fields == ["account_number"]
    assert event.reason == "Customer asked on the phone"
    assert event.context["break_glass"] is False
    assert event.object_id == str(customer.id)
    assert "99887766" not in json.dumps([event.context, event.reason, event.fields])
    assert not Alert.objects.exists()


def test_the_time_a_value_stays_revealed_is_a_setting(
        settings, agent, api_client, customer, assigned, reveal_json):
    settings.ACCESS_REVEAL_SECONDS = 5
    revealed = reveal_json(api_client(agent), customer.id, "account_number").json()
    expires = dt.datetime.fromisoformat(revealed["expires_at"])
    assert expires <= timezone.now() + dt.timedelta(seconds=6)


@pytest.mark.parametrize("reason", [
    "", "   ", "ok", "x" * 501,
    # Invisible or blank characters are no reason: zero-width space, joiners, word
    # joiner, BOM, no-break and ideographic spaces, and a short word padded with them.
    "\u200b" * 6, "\u200c\u200d\u2060\ufeff\u200b", "\u00a0" * 6, "\u3000" * 6,
    "ok\u200b\u200b\u200b\u200b", "\u2028\u2029\u0085\t\r\n", "\u202e\u202d\u2066x",
])
def test_a_reason_is_required(agent, api_client, customer, assigned, reveal_json,
                              api_error, reason):
    api_error(reveal_json(api_client(agent), customer.id, "account_number", reason=reason),
              400)
    assert not _events()


def test_masked_only_and_hidden_fields_cannot_be_revealed(
        agent, api_client, customer, assigned, reveal_json, api_error):
    client = api_client(agent)
    api_error(reveal_json(client, customer.id, "email"), 403, "forbidden")
    api_error(reveal_json(client, customer.id, "payment_card"), 404, "not_found")
    api_error(reveal_json(client, customer.id, "shoe_size"), 404, "not_found")
    assert not _events()


def test_restricted_fields_need_a_fresh_confirmation(
        make_user, api_client, console_client, customer, reveal_json, api_error):
    billing = make_user("billing", mfa=True)
    # A bearer token cannot re-authenticate: restricted data stays closed to it.
    api_error(reveal_json(api_client(billing), customer.id, "payment_card"), 403,
              "reauthentication_required")
    # The console session just confirmed its password: the full number, once, audited.
    session = console_client(billing)
    response = reveal_json(session, customer.id, "payment_card")
    assert response.status_code == 200, response.content
    assert response.json()["value"] == PAN
    assert PAN not in session.get(f"/api/v1/customers/{customer.id}").content.decode()
    stale = console_client(billing, confirmed=False)
    api_error(reveal_json(stale, customer.id, "payment_card"), 403,
              "reauthentication_required")
    assert [e.fields for e in _events()] == [["payment_card"]]


def test_admin_never_sees_payment_data(make_user, api_client, customer, make_ticket):
    admin = make_user("admin")
    make_ticket(customer)
    client = api_client(admin)
    for path in ("/api/v1/tickets", f"/api/v1/customers/{customer.id}"):
        body = client.get(path).content.decode()
        assert "411111" not in body and "••1111" not in body


def test_without_a_ticket_an_agent_sees_only_the_name(agent, api_client, customer,
                                                       reveal_json, api_error):
    client = api_client(agent)
    body = client.get(f"/api/v1/customers/{customer.id}").json()
    assert body["profile"] == {"full_name": "Ada Lovelace"}
    assert body["access"]["account_number"] == "locked"
    assert "payment_card" not in body["access"]
    error = api_error(reveal_json(client, customer.id, "account_number"), 403)
    assert "break" in error["message"].lower()
    assert not Alert.objects.exists()


def test_break_glass_reveals_audits_and_alerts_security(
        agent, make_user, api_client, customer, reveal_json, api_error):
    client = api_client(agent)
    response = reveal_json(client, customer.id, "account_number", break_glass=True,
                           reason="Fraud call, customer's ticket not routed yet")
    assert response.status_code == 200, response.content
    assert response.json() == {**response.json(), "value": "ACCT-99887766",
                               "break_glass": True}
    # A field the role sees only masked comes out in clear too: breaking the glass
    # raises the alert, so it must also serve the emergency it was broken for.
    masked = reveal_json(client, customer.id, "email", break_glass=True).json()
    assert masked["value"] == "ada.secret@example.org"
    events = _events()
    assert [e.context["break_glass"] for e in events] == [True, True]
    alert = Alert.objects.order_by("id").first()
    assert (alert.actor_label, alert.field, alert.customer_id) == (
        agent.email, "account_number", customer.id)

    officer = make_user("security_officer")
    alerts = api_client(officer).get("/api/v1/access/alerts").json()
    assert alerts["total"] == 2
    assert {a["field"] for a in alerts["items"]} == {"account_number", "email"}
    assert "99887766" not in json.dumps(alerts)
    api_error(client.get("/api/v1/access/alerts"), 403)


def test_need_to_know_can_be_switched_off(settings, agent, api_client, customer):
    settings.ACCESS_NEED_TO_KNOW = False
    body = api_client(agent).get(f"/api/v1/customers/{customer.id}").json()
    assert body["profile"]["email"] == "a***@example.org"
    assert body["access"]["account_number"] == "revealable"


def test_assignment_to_the_agent_gives_the_need_to_know(make_user, api_client, customer,
                                                         make_ticket, system):
    loner = make_user("agent")  # in no team
    ticket = make_ticket(customer)
    tickets.ticket_update(actor=system, ticket_id=ticket.pk, assignee_id=loner.pk)
    body = api_client(loner).get(f"/api/v1/customers/{customer.id}").json()
    assert body["access"]["email"] == "masked"


def test_search_by_exact_email_works_while_the_email_is_masked(
        settings, agent, api_client, customer, assigned, make_customer, api_error):
    make_customer(full_name="Someone Else", email="else@example.org")
    client = api_client(agent)
    found = client.get("/api/v1/customers", {"field": "email",
                                              "value": "ADA.SECRET@example.org"}).json()
    assert [c["id"] for c in found["items"]] == [str(customer.id)]
    assert found["items"][0]["profile"]["email"] == "a***@example.org"
    # A field the policy hides from the role cannot be searched: it would confirm values.
    settings.ACCESS_FIELD_POLICY = {"agent": {"phone": "hidden"}}
    api_error(client.get("/api/v1/customers", {"field": "phone", "value": "+442079460958"}),
              400, "not_searchable")


def test_the_trail_keeps_the_real_text_of_a_reason(agent, api_client, customer, assigned,
                                                    reveal_json):
    response = reveal_json(api_client(agent), customer.id, "account_number",
                           reason="\ufeff\u200b Caller\u00a0on\u2028the line \u200d\u2060")
    assert response.status_code == 200, response.content
    assert _events()[0].reason == "Caller on the line"


def test_the_trail_keeps_no_personal_data_typed_into_a_reason(agent, api_client, customer,
                                                              assigned, reveal_json):
    # Auditors and every export read reasons; none of them may see a customer's card.
    response = reveal_json(api_client(agent), customer.id, "account_number",
                           reason="Caller read card 4111 1111 1111 1111, mail ada@example.org")
    assert response.status_code == 200, response.content
    assert _events()[0].reason == ("Caller read card [CREDIT_CARD removed], mail "
                                   "[EMAIL_ADDRESS removed]")
