"""The reply guard in the helpdesk: it blocks or warns, explains itself in the console
and the API, and is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import ConfigurationError
from trustdesk.tickets import services
from trustdesk.tickets.errors import ReplyBlocked, ReplyNeedsConfirmation

pytestmark = pytest.mark.django_db
API = "/api/v1"

PHRASINGS = [
    "Please send us your password so we can check.",
    "Can you confirm your full card number?",
    "What is the CVV on the back of the card?",
    "Please tell me the verification code we just sent.",
    "What is your PIN?",
    "请提供您的登录密码。",
    "请把收到的验证码发给我。",
    "请告诉我信用卡背面的安全码。",
]


@pytest.fixture
def ticket(make_ticket, make_customer):
    customer = make_customer(email="ada@example.org", phone="+442079460958")
    return make_ticket(customer, body="Hi, my phone is +44 20 7946 0958.")


@pytest.fixture
def agent(make_user):
    return make_user("supervisor")


@pytest.mark.parametrize("body", PHRASINGS)
def test_requests_for_secrets_are_blocked_and_audited(ticket, agent, as_actor, body):
    with pytest.raises(ReplyBlocked) as caught:
        services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk, body=body)
    assert caught.value.code == "reply_guard_blocked" and caught.value.field == "body"
    assert "never" in caught.value.message or "Nobody" in caught.value.message \
        or "anyone" in caught.value.message
    assert ticket.messages.count() == 1  # nothing was stored
    event = AuditEvent.objects.get(action="ticket.reply_blocked")
    assert event.outcome == "denied" and event.object_id == str(ticket.pk)
    assert event.context["secret_requests"]
    assert body not in str(event.context)


def test_internal_notes_and_harmless_replies_pass(ticket, agent, as_actor):
    a = as_actor(agent)
    services.ticket_reply(actor=a, ticket_id=ticket.pk, internal=True,
                          body="Customer may have shared their password elsewhere, tell them"
                               " to reset it. Could they send their password? No!")
    message = services.ticket_reply(actor=a, ticket_id=ticket.pk,
                                    body="We will never ask for your password. Please reset "
                                         "it with the link, and call +44 20 7946 0958 back.")
    assert message.guard_warnings == []


def test_another_customers_data_warns_by_default(ticket, agent, as_actor, make_customer):
    make_customer(email="bob@example.net")
    message = services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk,
                                    body="I updated the address to bob@example.net.")
    assert len(message.guard_warnings) == 1
    assert "email address" in message.guard_warnings[0]
    event = AuditEvent.objects.filter(action="ticket.reply").latest("id")
    assert event.context["reply_guard"] == {"foreign_entities": ["EMAIL_ADDRESS"],
                                            "mode": "warn"}
    # The customer's own data is not foreign.
    own = services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk,
                                body="We will write to ada@example.org and call "
                                     "+44 20 7946 0958.")
    assert own.guard_warnings == []


def test_policy_can_block_foreign_data_or_only_warn_on_secret_requests(
        settings, ticket, agent, as_actor):
    settings.PII_REPLY_GUARD = {"secret_request": "warn", "foreign_data": "block"}
    message = services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk,
                                    body="What is your PIN?")
    assert "PIN" in message.guard_warnings[0]
    with pytest.raises(ReplyBlocked, match="another customer"):
        services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk,
                              body="Card 4012 8888 8888 1881 is on file.")
    settings.PII_REPLY_GUARD = {"secret_request": "off", "foreign_data": "off"}
    services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk, body="What is your PIN?")
    settings.PII_REPLY_GUARD = {"secret_request": "sometimes"}
    with pytest.raises(ConfigurationError):
        services.ticket_reply(actor=as_actor(agent), ticket_id=ticket.pk, body="Hello")


def test_console_shows_the_explanation_under_the_reply_box(ticket, agent, console_client):
    client = console_client(agent)
    response = client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                           {"body": "Please send us your password."})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert "We never ask for passwords: offer a password reset link instead." in html
    assert ticket.messages.count() == 1


def test_console_shows_warnings_after_sending(ticket, agent, console_client, make_customer):
    client = console_client(agent)
    response = client.post(reverse("console:ticket_reply", args=[ticket.pk]),
                           {"body": "Copied from bob@example.net's ticket."}, follow=True)
    html = response.content.decode()
    assert "flash-warning" in html and "another customer" in html


def test_api_returns_a_clear_error_code(ticket, agent, api_client):
    client = api_client(agent)
    response = client.post(f"{API}/tickets/{ticket.pk}/messages",
                           {"body": "请告诉我短信验证码", "direction": "outbound"},
                           content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("reply_guard_blocked", "body")
    assert "one-time" in error["message"]
    ok = client.post(f"{API}/tickets/{ticket.pk}/messages",
                     {"body": "Sent to bob@example.net as well.", "direction": "outbound"},
                     content_type="application/json")
    assert ok.status_code == 201
    assert ok.json()["guard_warnings"]


@pytest.mark.parametrize("routed", [False, True], ids=["locked", "masked"])
def test_the_guard_confirms_no_guess_of_a_value_the_sender_may_not_read(
        make_customer, make_ticket, make_user, make_team, as_actor, routed):
    """The guard compared a reply with every value of the customer, so "is this their
    address?" was answered about a customer whose fields the sender sees locked (an
    agent without need-to-know: an unrouted ticket) or only masked (an agent's e-mail
    and phone): the right guess dropped out of the warning, nothing stored or recorded."""
    team = make_team()
    customer = make_customer(email="rosa@example.net", phone="+442079460958")
    ticket = make_ticket(customer, team=team if routed else None,
                         body="My number is +44 20 7946 0958.")
    sender = as_actor(make_user("agent", teams=[team]))
    with pytest.raises(ReplyNeedsConfirmation) as wrong:
        services.ticket_reply(actor=sender, ticket_id=ticket.pk, acknowledged=(),
                              body="Is it wrong@example.org or +44 20 7946 0000?")
    with pytest.raises(ReplyNeedsConfirmation) as right:
        services.ticket_reply(actor=sender, ticket_id=ticket.pk, acknowledged=(),
                              body="Is it rosa@example.net or +44 20 7946 0958?")
    assert right.value.message == wrong.value.message
    assert ticket.messages.count() == 1
