"""A signed-in customer's own tickets, as the customer sees them (the portal).

Every use case takes the customer's ``Actor`` (kind ``customer``) and narrows to their
own tickets: another customer's ticket, like a missing one, is ``NotFound``. What the
customer reads is the conversation only — their messages and the replies sent to them,
never an internal note — and no agent-side information: no assignee, team, priority,
tags, service level or mail verdict leaves this module. The values intake redacted
stay masked (a session on a shared computer should not show a card number whole). A
held ticket (reported as phishing) is not theirs to see, as it is in no agent's queue:
it may carry an attacker's words and links in the customer's name, so it answers like
a missing one until a security officer releases it — a confirmed one never does.

Writing goes through the services the mail gateway uses, as the channel does (the
system actor, "the customer wrote"): intake redaction, notifications, the service level
and the audit trail apply exactly as for mail; the portal's own event names the
customer as the actor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import portal as signin
from trustdesk.tickets import services
from trustdesk.tickets.models import Channel, Direction, Status, Ticket
from trustdesk.tickets.sealing import open_messages
from trustdesk.tickets.withhold import FRAGMENT, entity_hint

CHANNEL = Actor.system("portal")
# The customer's words for a ticket's state: nothing about queues or targets.
STATES = {Status.NEW: "open", Status.OPEN: "open", Status.PENDING: "awaiting_you",
          Status.SOLVED: "solved", Status.CLOSED: "closed"}


@dataclass(frozen=True)
class TicketRow:
    id: int
    subject: str
    state: str
    created_at: dt.datetime
    last_message_at: dt.datetime


@dataclass(frozen=True)
class PublicMessage:
    from_customer: bool
    body: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Conversation:
    ticket: TicketRow
    messages: list[PublicMessage]
    can_answer: bool


def _customer(actor: Actor) -> str:
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    return actor.customer_id


def _mine(actor: Actor):
    return Ticket.objects.filter(customer_id=_customer(actor), customer__status="active",
                                 held_at__isnull=True)


def _row(t: Ticket) -> TicketRow:
    return TicketRow(id=t.pk, subject=masked_text(t.subject), state=STATES[t.status],
                     created_at=t.created_at, last_message_at=t.last_message_at)


def masked_text(text: str) -> str:
    """``text`` with each value intake withheld shown by its masked form only, never its
    token (nothing to open)."""
    def shown(m: re.Match) -> str:
        if m.group("card"):
            return f"[card {m.group('card_masked')}]"
        if m.group("pii"):
            return f"[{m.group('masked')}]" if m.group("masked") else "[withheld]"
        return "[withheld]" if entity_hint(m.group(0)) else m.group(0)
    return FRAGMENT.sub(shown, text)


@transaction.atomic
def my_tickets(*, actor: Actor) -> list[TicketRow]:
    rows = [_row(t) for t in _mine(actor).order_by("-last_message_at", "-id")[:200]]
    record(actor=actor, action="portal.tickets", object_type="customer",
           object_id=actor.customer_id, context={"count": len(rows)})
    return rows


@transaction.atomic
def my_ticket(*, actor: Actor, ticket_id: int) -> Conversation:
    ticket = _mine(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    messages = list(ticket.messages.filter(
        direction__in=(Direction.INBOUND, Direction.OUTBOUND)).order_by("created_at", "id"))
    open_messages(ticket.customer_id, messages, erased=False)
    record(actor=actor, action="portal.ticket_view", object_type="ticket",
           object_id=ticket.pk, context={"customer": actor.customer_id})
    return Conversation(
        ticket=_row(ticket), can_answer=ticket.status != Status.CLOSED,
        messages=[PublicMessage(from_customer=m.direction == Direction.INBOUND,
                                body=masked_text(m.body), created_at=m.created_at)
                  for m in messages])


def my_ticket_open(*, actor: Actor, subject: str, body: str) -> int:
    """Open a ticket with the customer's first message; returns its id. ``TooManyWrites``
    past the customer's hourly allowance (``signin.count_write``)."""
    customer_id = _customer(actor)
    signin.count_write(customer_id)
    return release(actor=actor, customer_id=customer_id, subject=subject, body=body)


def release(*, actor: Actor, customer_id, subject: str, body: str) -> int:
    """A ticket from what the customer wrote on the web (signed in, or confirmed by the
    link to their address): the channel's use case, then the portal's own event."""
    with transaction.atomic():
        ticket = services.ticket_create(actor=CHANNEL, customer_id=customer_id,
                                        subject=subject, body=body, channel=Channel.WEB)
        record(actor=actor, action="portal.ticket_open", object_type="ticket",
               object_id=ticket.pk, context={"customer": str(customer_id)})
    return ticket.pk


def my_ticket_answer(*, actor: Actor, ticket_id: int, body: str) -> None:
    """Add the customer's answer; ``TooManyWrites`` as for opening a ticket (counted
    before the ticket is looked for: guessing numbers spends the allowance too)."""
    signin.count_write(_customer(actor))
    if not _mine(actor).filter(pk=ticket_id).exists():
        raise NotFound()
    with transaction.atomic():
        message = services.ticket_add_inbound(actor=CHANNEL, ticket_id=ticket_id, body=body)
        record(actor=actor, action="portal.ticket_answer", object_type="ticket",
               object_id=ticket_id, context={"customer": actor.customer_id,
                                             "message": message.pk})
