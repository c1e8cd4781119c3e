"""Collisions: who else has a ticket open, or is writing a reply to it, and a reply
written while a colleague answered first.

The console sends a heartbeat every few seconds while a ticket is open (``beat``); the
ticket page shows the others seen in the last ``FRESH`` seconds. When a reply is sent,
``replies_since`` names the colleagues who answered after the sender's page was loaded,
and ``ticket_reply`` turns that into a warning the sender confirms, like the reply
guard's: the second reply is never sent unawares. Both are decided here, not in a view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.tickets.models import Direction, Message, Presence
from trustdesk.tickets.selectors import visible_tickets

FRESH = dt.timedelta(seconds=30)
FORGET = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Other:
    name: str
    replying: bool


def beat(*, actor: Actor, ticket_id: int, replying: bool = False) -> list[Other]:
    """Record that the actor has the ticket open (and is writing, with ``replying``);
    return the others who have it open now. Not audited: it reads nothing of the
    customer's, and a heartbeat every few seconds would drown the trail."""
    policy.require(actor, "ticket.view")
    if not visible_tickets(actor).filter(pk=ticket_id).exists():
        raise NotFound()
    now = clock.now()
    if actor.user_id is not None:
        updated = Presence.objects.filter(ticket_id=ticket_id, user_id=actor.user_id).update(
            replying=replying, seen_at=now)
        if not updated:
            try:
                with transaction.atomic():
                    Presence.objects.create(ticket_id=ticket_id, user_id=actor.user_id,
                                            replying=replying, seen_at=now)
            except IntegrityError:
                pass  # the same person's other tab won the race: it is there
        # Old heartbeats are no use to anyone; cleared as others arrive.
        Presence.objects.filter(ticket_id=ticket_id, seen_at__lt=now - FORGET).delete()
    return others(ticket_id=ticket_id, user_id=actor.user_id, now=now)


def others(*, ticket_id: int, user_id: int | None, now: dt.datetime | None = None
           ) -> list[Other]:
    now = now or clock.now()
    rows = (Presence.objects.filter(ticket_id=ticket_id, seen_at__gte=now - FRESH)
            .exclude(user_id=user_id).select_related("user").order_by("user__full_name"))
    return [Other(r.user.full_name or r.user.email, r.replying) for r in rows]


def replies_since(*, ticket_id: int, seen_up_to: int, user_id: int | None,
                  seen_count: int | None = None) -> list[str]:
    """Warnings for a reply written on a page that showed messages up to ``seen_up_to``
    (``seen_count`` of them): replies and notes by colleagues since, the customer writing
    again, and messages merged in from another ticket (older, so lower ids: only the
    count shows them)."""
    newer = (Message.objects.filter(ticket_id=ticket_id, pk__gt=seen_up_to)
             .exclude(author_id=user_id, direction__in=(Direction.OUTBOUND, Direction.NOTE))
             .select_related("author").order_by("pk"))
    warnings = []
    for m in newer:
        if m.direction == Direction.INBOUND:
            text = "The customer wrote again after you opened this ticket."
        elif m.direction == Direction.OUTBOUND:
            who = m.author.full_name if m.author else "A colleague"
            text = f"{who} replied to the customer after you opened this ticket."
        else:
            who = m.author.full_name if m.author else "A colleague"
            text = f"{who} added a note after you opened this ticket."
        if text not in warnings:
            warnings.append(text)
    if seen_count is not None:
        older = Message.objects.filter(ticket_id=ticket_id, pk__lte=seen_up_to).count()
        if older > seen_count:
            warnings.append("Messages from another ticket were merged into this one after "
                            "you opened it: read them before you answer.")
    return warnings
