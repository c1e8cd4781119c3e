"""The reply guard speaks for the ticket's channel: a reply that asks for what the
channel never asks for is blocked, and the explanation quotes the channel's promise.
With nothing in the registry the built-in defaults still block (fail closed)."""

from __future__ import annotations

import pytest

from trustdesk.audit.models import AuditEvent
from trustdesk.channels import services as channels
from trustdesk.tickets import services
from trustdesk.tickets.errors import ReplyBlocked
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(make_user, as_actor):
    return as_actor(make_user("supervisor"))


def _ticket(make_ticket, channel):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(channel=channel)
    return ticket


@pytest.mark.parametrize(("channel", "body", "promise"), [
    ("email", "Please send us your password.", "Our email channel never asks for passwords."),
    ("phone", "What is your PIN?", "Our phone channel never asks for PINs."),
    ("chat", "请把收到的验证码发给我。",
     "Our chat channel never asks for one-time or sign-in codes."),
    ("api", "What is the CVV on the back?", "We never ask for card security codes."),
])
def test_with_an_empty_registry_the_defaults_block_and_are_quoted(
        make_ticket, agent, channel, body, promise):
    ticket = _ticket(make_ticket, channel)
    with pytest.raises(ReplyBlocked) as caught:
        services.ticket_reply(actor=agent, ticket_id=ticket.pk, body=body)
    assert promise in caught.value.message
    event = AuditEvent.objects.get(action="ticket.reply_blocked")
    assert event.outcome == AuditEvent.Outcome.DENIED


def test_a_registered_channel_is_quoted_and_cannot_loosen_the_defaults(
        make_ticket, agent, system):
    # An admin "declares" an email channel with no never-asks: the defaults stay.
    channels.channel_create(actor=system, kind="email", value="help@example.com",
                            never_asks=[])
    ticket = _ticket(make_ticket, "email")
    with pytest.raises(ReplyBlocked) as caught:
        services.ticket_reply(actor=agent, ticket_id=ticket.pk,
                              body="Can you confirm your full card number?")
    assert "Our email channel never asks for full card numbers." in caught.value.message
    assert ticket.messages.count() == 1  # nothing stored


def test_harmless_replies_still_pass(make_ticket, agent):
    ticket = _ticket(make_ticket, "email")
    services.ticket_reply(actor=agent, ticket_id=ticket.pk,
                          body="We will never ask for your password. Your order shipped.")
    assert ticket.messages.count() == 2
