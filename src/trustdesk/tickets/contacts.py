"""Declared contacts: an agent takes down a customer's message themself (a call, a
walk-in), so the customer did not write through a channel and the agent vouches for it.

A declared contact gives the agent need-to-know for the ticket's customer
(``customers.visibility.known_customers``), so it is never quiet: it needs a reason, it is
audited as ``contact.declare``, and more than ``ACCESS_DECLARED_CONTACTS_PER_DAY`` in 24
hours alert security officers. Messages TrustDesk itself takes in (a mail gateway, a
portal, an integration acting as the system) are the customer's own writing instead.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from trustdesk.access.services import alert_declared_contacts
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers.reveal import clean_reason
from trustdesk.tickets.models import DeclaredContact, Ticket


def is_declared(actor: Actor) -> bool:
    """Whether a customer message entered by ``actor`` is a declared contact: a person
    (console or token) typed it in, rather than a channel delivering it."""
    return not actor.is_system


def contact_reason(actor: Actor, reason: str | None) -> str | None:
    """The reason a person gives for taking down a customer's message (None for the
    system). Raises ``ValidationError`` naming ``reason`` when it is missing."""
    if not is_declared(actor):
        return None
    try:
        return clean_reason(reason)
    except ValidationError:
        raise ValidationError("Say why you are writing on the customer's behalf (for "
                              "example: caller on the line).", field="reason") from None


def declare(*, actor: Actor, ticket: Ticket, reason: str, message_id: int | None) -> None:
    """Record a contact ``actor`` declared on ``ticket``, in the caller's transaction:
    the grant, its audit event, and an alert when the agent declares too many."""
    DeclaredContact.objects.create(ticket=ticket, user_id=actor.user_id, reason=reason)
    since = clock.now() - dt.timedelta(hours=24)
    count = DeclaredContact.objects.filter(user_id=actor.user_id,
                                           created_at__gte=since).count()
    threshold = int(settings.ACCESS_DECLARED_CONTACTS_PER_DAY)
    record(actor=actor, action="contact.declare", object_type="ticket", object_id=ticket.pk,
           reason=reason, context={"customer": str(ticket.customer_id),
                                   "message": message_id, "count_24h": count})
    if count > threshold:
        alert_declared_contacts(actor=actor, count=count, threshold=threshold,
                                customer_id=ticket.customer_id)
