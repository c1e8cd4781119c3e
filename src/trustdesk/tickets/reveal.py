"""Reveal a token in a message: the value intake sealed in the vault, in clear, for a
short time, with a reason — one flow behind the console and the API.

The rules are those of revealing a profile field (``customers.reveal``), so a value is no
easier to see because the customer wrote it in a message: ``customer.reveal``; the
ticket visible to the actor; need-to-know for the ticket's customer, or break-glass with
an alert; the role's decision on the field that governs this kind of value
(``customers.entities``: e-mail, phone, card, date of birth, address, ID or bank number)
must allow a reveal (``withhold.revealable``, the same answer the rendering gives), and
a restricted one (cards, dates of birth) needs a fresh re-authentication. The token must
be the ticket's customer's: any other token is not found. The ``message.reveal`` event
(entity, token, reason — never the value) is written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.services import alert_break_glass
from trustdesk.audit.services import record
from trustdesk.core import clock, metrics
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import entities
from trustdesk.customers.models import Customer, subject_for
from trustdesk.customers.reveal import clean_reason, reveal_seconds
from trustdesk.customers.visibility import known_customers
from trustdesk.tickets.models import Ticket
from trustdesk.tickets.selectors import visible_tickets
from trustdesk.tickets.withhold import CARD_TOKEN, revealable
from trustdesk.vault import cards, tokens
from trustdesk.vault.errors import SubjectErased
from trustdesk.vault.models import CardToken

REVEALABLE = "revealable"
LOCKED = "locked"


@dataclass(frozen=True)
class RevealedToken:
    ticket_id: int
    token: str
    entity: str
    value: str
    expires_at: dt.datetime
    break_glass: bool


def _ticket(actor: Actor, ticket_id) -> Ticket:
    ticket = visible_tickets(actor).select_related("customer").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    return ticket


def token_access(*, actor: Actor, ticket_id: int) -> str:
    """How ``actor`` may reveal the tokens of a ticket: ``revealable``, ``locked`` (only
    by breaking the glass) or "" (not at all). Raises ``NotFound`` for a ticket the
    actor cannot see."""
    if not policy.has_permission(actor, "ticket.view"):
        raise NotFound()
    ticket = _ticket(actor, ticket_id)
    if not policy.has_permission(actor, "customer.reveal") or \
            ticket.customer.status == Customer.Status.ERASED:
        return ""
    return REVEALABLE if ticket.customer_id in known_customers(
        actor, [ticket.customer_id]) else LOCKED


def _entity(subject: str, token: str) -> str:
    if CARD_TOKEN.fullmatch(token):
        # Only a card taken from a message: profile cards are revealed as profile fields.
        if not CardToken.objects.filter(token=token, subject=subject,
                                        field="message").exists():
            raise NotFound()
        return "CREDIT_CARD"
    if tokens.PATTERN.fullmatch(token):
        return tokens.entity_of(subject, token)
    raise NotFound()


def _denied(message: str, permission: str) -> PermissionDenied:
    return PermissionDenied(message, permission=permission)


@transaction.atomic
def message_reveal(*, actor: Actor, ticket_id: int, token: str, reason: str,
                   break_glass: bool = False) -> RevealedToken:
    """Reveal the value behind ``token`` in ticket ``ticket_id`` for
    ``ACCESS_REVEAL_SECONDS``. Raises ``ValidationError`` (reason), ``NotFound`` (no
    such ticket for the actor, or no such token for the ticket's customer),
    ``PermissionDenied`` (permission, field policy, need-to-know without
    ``break_glass``), ``ReauthenticationRequired`` (cards), ``Gone`` (customer erased).
    """
    policy.require(actor, "ticket.view")
    policy.require(actor, "customer.reveal")
    reason = clean_reason(reason)
    ticket = _ticket(actor, ticket_id)
    if ticket.customer.status == Customer.Status.ERASED:
        raise SubjectErased()
    subject = subject_for(ticket.customer_id)
    token = (token or "").strip()
    entity = _entity(subject, token)
    if not revealable(actor, entity):
        raise _denied("This kind of value cannot be revealed in your role.",
                      "customer.reveal")
    glass = ticket.customer_id not in known_customers(actor, [ticket.customer_id])
    if glass and not break_glass:
        raise _denied("You have no need to know this customer: work a ticket routed to "
                      "you, or break the glass, which alerts security officers.",
                      "customer.need_to_know")
    if entities.restricted(entity):
        policy.require_reauthentication(actor)
    value = (cards.detokenize(subject, token) if entity == "CREDIT_CARD"
             else tokens.detokenize(subject, token).value)
    record(actor=actor, action="message.reveal", object_type="ticket", object_id=ticket.pk,
           fields=[entity], reason=reason,
           context={"customer": str(ticket.customer_id), "token": token, "entity": entity,
                    "break_glass": glass})
    metrics.count_reveal("token", break_glass=glass)
    if glass:
        alert_break_glass(actor=actor, customer_id=ticket.customer_id,
                          field=f"message:{entity}"[:64], reason=reason)
    return RevealedToken(ticket_id=ticket.pk, token=token, entity=entity, value=value,
                         expires_at=clock.now() + dt.timedelta(seconds=reveal_seconds()),
                         break_glass=glass)
