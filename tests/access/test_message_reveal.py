"""Revealing a token in a message, with a reason: one use case behind the API and the
console, with the rules of a profile reveal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from planted import PAN
from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.customers import services as customers
from trustdesk.vault.models import CardToken, PiiToken

pytestmark = pytest.mark.django_db
SSN = "536-22-8726"
BODY = f"My SSN is {SSN} and my card {PAN}, please check."
REASON = "Customer asked to confirm the SSN on file"


@pytest.fixture
def ticket(make_ticket, customer, team):
    """A ticket of the customer's routed to the agent's team, with an SSN and a card."""
    return make_ticket(customer, team=team, body=BODY)


def _ssn_token(ticket) -> str:
    return PiiToken.objects.get(subject=f"customer:{ticket.customer_id}",
                                entity="US_SSN").token


def _card_token(ticket) -> str:
    return CardToken.objects.get(subject=f"customer:{ticket.customer_id}",
                                 field="message").token


def _reveal(client, ticket, token, reason=REASON, **extra):
    return client.post(f"/api/v1/tickets/{ticket.pk}/reveal",
                       data={"token": token, "reason": reason, **extra},
                       content_type="application/json")


def _events():
    return list(AuditEvent.objects.filter(action="message.reveal").order_by("id"))


def test_agent_reveals_a_token_with_a_reason(agent, api_client, ticket):
    token = _ssn_token(ticket)
    before = timezone.now()
    response = _reveal(api_client(agent), ticket, token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {**body, "token": token, "entity": "US_SSN", "value": SSN,
                    "break_glass": False}
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert before + dt.timedelta(seconds=59) <= expires <= timezone.now() + dt.timedelta(
        seconds=61)
    [event] = _events()
    assert event.object_type == "ticket" and event.object_id == str(ticket.pk)
    assert event.fields == ["US_SSN"] and event.reason == REASON
    assert event.customer == str(ticket.customer_id)
    assert event.context == {"customer": str(ticket.customer_id), "token": token,
                             "entity": "US_SSN", "break_glass": False}
    assert "8726" not in json.dumps([event.context, event.fields, event.reason])
    assert not Alert.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "why", "x" * 501])
def test_a_reason_is_required(agent, api_client, ticket, api_error, reason):
    api_error(_reveal(api_client(agent), ticket, _ssn_token(ticket), reason=reason), 400)
    assert not _events()


def test_a_role_without_customer_reveal_is_refused(make_user, api_client, ticket,
                                                   api_error):
    admin = make_user("admin")  # sees every ticket, reveals nothing
    api_error(_reveal(api_client(admin), ticket, _ssn_token(ticket)), 403, "forbidden")
    assert not _events()


def test_another_customers_token_is_not_found(agent, api_client, ticket, make_ticket,
                                              make_customer, team, api_error):
    other = make_ticket(make_customer(), team=team, body="SSN 078-05-1121 ok")
    stranger = _ssn_token(other)
    client = api_client(agent)
    api_error(_reveal(client, ticket, stranger), 404, "not_found")
    api_error(_reveal(client, ticket, "pii_us_ssn_" + "0" * 32), 404, "not_found")
    api_error(_reveal(client, ticket, "not a token"), 404, "not_found")
    assert _reveal(client, other, stranger).json()["value"] == "078-05-1121"


def test_an_erased_customers_token_is_gone(agent, api_client, ticket, customer, system,
                                           api_error):
    token = _ssn_token(ticket)
    customers.customer_erase(actor=system, customer_id=customer.id, reason="GDPR request")
    assert not PiiToken.objects.filter(token=token).exists()
    error = api_error(_reveal(api_client(agent), ticket, token), 410, "erased")
    assert "erased" in error["message"]
    assert not _events()


def test_without_a_need_to_know_only_break_glass_reveals_and_alerts(
        make_user, make_ticket, customer, api_client, api_error):
    agent = make_user("agent")  # no team: the customer's ticket is not theirs
    unrouted = make_ticket(customer, body=BODY)  # visible to every agent, assigned to none
    client = api_client(agent)
    token = _ssn_token(unrouted)
    error = api_error(_reveal(client, unrouted, token), 403, "forbidden")
    assert "break" in error["message"]
    assert not _events() and not Alert.objects.exists()
    response = _reveal(client, unrouted, token, break_glass=True)
    assert response.status_code == 200, response.content
    assert response.json()["break_glass"] is True
    [event] = _events()
    assert event.context["break_glass"] is True
    [alert] = Alert.objects.all()
    assert alert.customer_id == customer.id and alert.field == "message:US_SSN"
    assert alert.reason == REASON and alert.actor_user_id == agent.pk


def test_cards_follow_the_payment_card_policy_and_need_reauthentication(
        agent, make_user, api_client, console_client, ticket, team, api_error):
    card = _card_token(ticket)
    # Agents never see payment cards in the profile, nor from a message.
    api_error(_reveal(api_client(agent), ticket, card), 403, "forbidden")
    billing = make_user("billing", mfa=True, teams=[team])
    api_error(_reveal(api_client(billing), ticket, card), 403, "reauthentication_required")
    response = _reveal(console_client(billing), ticket, card)
    assert response.status_code == 200, response.content
    assert response.json()["value"] == PAN and response.json()["entity"] == "CREDIT_CARD"
    assert [e.fields for e in _events()] == [["CREDIT_CARD"]]


def test_a_profile_card_token_is_not_a_message_token(make_user, console_client, ticket,
                                                     team, api_error):
    profile_card = CardToken.objects.get(field="payment_card").token
    billing = make_user("billing", mfa=True, teams=[team])
    api_error(_reveal(console_client(billing), ticket, profile_card), 404, "not_found")


# Console


def test_console_offers_a_reveal_next_to_each_token_and_reveals_with_htmx(
        agent, console_client, ticket):
    client = console_client(agent)
    token = _ssn_token(ticket)
    html = client.get(reverse("console:ticket", args=[ticket.pk])).content.decode()
    url = reverse("console:ticket_token_reveal", args=[ticket.pk, token])
    assert f'hx-post="{url}"' in html and SSN not in html
    # Agents cannot reveal cards: no control for the card token.
    assert reverse("console:ticket_token_reveal", args=[ticket.pk, _card_token(ticket)]) \
        not in html
    response = client.post(url, {"reason": REASON}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["X-TrustDesk-Status"] == "200"
    fragment = response.content.decode()
    assert SSN in fragment and "<script" not in fragment
    masked_url = reverse("console:ticket_token", args=[ticket.pk, token])
    assert f'hx-get="{masked_url}"' in fragment and 'hx-trigger="load delay:60s"' in fragment
    [event] = _events()
    assert event.reason == REASON
    back = client.get(masked_url, HTTP_HX_REQUEST="true").content.decode()
    assert SSN not in back and f'hx-post="{url}"' in back


def test_console_refuses_without_a_reason(agent, console_client, ticket):
    url = reverse("console:ticket_token_reveal", args=[ticket.pk, _ssn_token(ticket)])
    response = console_client(agent).post(url, {"reason": "no"}, HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "400"
    assert SSN not in response.content.decode() and not _events()
    # Without htmx the same form posts normally and gets a page with the real status.
    page = console_client(agent).post(url, {"reason": ""})
    assert page.status_code == 400 and SSN not in page.content.decode()


def test_console_break_glass_for_a_customer_without_a_ticket(make_user, make_ticket,
                                                             customer, console_client):
    agent = make_user("agent")
    unrouted = make_ticket(customer, body=BODY)
    client = console_client(agent)
    html = client.get(reverse("console:ticket", args=[unrouted.pk])).content.decode()
    assert "Break the glass" in html and 'name="break_glass"' in html
    url = reverse("console:ticket_token_reveal", args=[unrouted.pk, _ssn_token(unrouted)])
    response = client.post(url, {"reason": REASON, "break_glass": "on"},
                           HTTP_HX_REQUEST="true")
    assert SSN in response.content.decode() and "break-glass" in response.content.decode()
    assert Alert.objects.count() == 1


def test_console_card_reveal_asks_for_reauthentication(make_user, console_client, ticket,
                                                        team):
    billing = make_user("billing", mfa=True, teams=[team])
    url = reverse("console:ticket_token_reveal", args=[ticket.pk, _card_token(ticket)])
    stale = console_client(billing, confirmed=False)
    response = stale.post(url, {"reason": REASON}, HTTP_HX_REQUEST="true")
    assert response["X-TrustDesk-Status"] == "403"
    assert "confirm your password" in response.content.decode()
    assert PAN not in response.content.decode()
    fresh = console_client(billing).post(url, {"reason": REASON}, HTTP_HX_REQUEST="true")
    assert PAN in fresh.content.decode()


@pytest.mark.parametrize("reason", ["\u200b" * 8, "\u00a0\u2060\ufeff\u200d\u3000\u2009"])
def test_a_reason_of_invisible_characters_is_no_reason(agent, api_client, ticket, reason):
    response = _reveal(api_client(agent), ticket, _ssn_token(ticket), reason=reason)
    assert response.status_code == 400 and response.json()["error"]["field"] == "reason"
    assert not _events()
