"""Merging tickets: the same customer wrote twice about one thing. The sources' messages
(with their files), declared contacts, tags and search terms move to the target; each
source is closed and points to it (``Ticket.merged_into``), and mail that answers a
source goes to the target (``current``).

Only tickets of the same customer merge: a conversation is sealed under its customer's
key and need-to-know is decided per customer, so moving one customer's messages into
another's ticket would hand them to whoever works that ticket.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.search import services as search
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import DeclaredContact, Message, Status, Ticket, TicketTag
from trustdesk.tickets.selectors import visible_tickets
from trustdesk.tickets.services import set_status

MAX_SOURCES = 20
MAX_HOPS = 10  # a merged ticket's target can itself have been merged since


def _source_ids(target_id: int, source_ids: Iterable) -> list[int]:
    ids: list[int] = []
    for raw in source_ids or ():
        text = str(raw).strip().lstrip("#")
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise ValidationError("Ticket numbers are whole numbers.", field="sources")
        if int(text) not in ids:
            ids.append(int(text))
    if not ids:
        raise ValidationError("Name the tickets to merge into this one.", field="sources")
    if target_id in ids:
        raise ValidationError("A ticket cannot be merged into itself.", field="sources")
    if len(ids) > MAX_SOURCES:
        raise ValidationError(f"At most {MAX_SOURCES} tickets at once.", field="sources")
    return ids


@transaction.atomic
def tickets_merge(*, actor: Actor, target_id: int, source_ids: Iterable) -> Ticket:
    """Merge ``source_ids`` into ``target_id``. Every ticket must be visible to the actor
    (else NotFound, as for one that does not exist), open to changes (not closed) and of
    the target's customer; then all move, or nothing does."""
    policy.require(actor, "ticket.update")
    ids = _source_ids(target_id, source_ids)
    if not 0 < target_id < 2**63:
        raise NotFound()  # no such ticket; SQLite cannot even bind the number in IN (...)
    # Locked in id order, whichever is the target: two merges never wait on each other.
    locked = {t.pk: t for t in visible_tickets(actor).select_for_update()
              .filter(pk__in=[target_id, *ids]).order_by("pk")}
    if target_id not in locked or any(i not in locked for i in ids):
        raise NotFound()
    target = locked[target_id]
    sources = [locked[i] for i in ids]
    for ticket in (target, *sources):
        if ticket.status == Status.CLOSED:
            raise TicketClosed(f"#{ticket.pk} is closed; a closed ticket is not merged.")
    if any(s.customer_id != target.customer_id for s in sources):
        raise ValidationError("Only tickets of the same customer can be merged.",
                              field="sources")
    moved = Message.objects.filter(ticket_id__in=ids).update(ticket=target)
    DeclaredContact.objects.filter(ticket_id__in=ids).update(ticket=target)
    search.move_messages(from_ticket_ids=ids, to_ticket_id=target.pk)
    have = set(TicketTag.objects.filter(ticket=target).values_list("tag_id", flat=True))
    for tag_id in set(TicketTag.objects.filter(ticket_id__in=ids)
                      .values_list("tag_id", flat=True)) - have:
        TicketTag.objects.create(ticket=target, tag_id=tag_id, added_by_user_id=actor.user_id)
    latest = Message.objects.filter(ticket=target).exclude(direction="note").aggregate(
        at=Max("created_at"))["at"]
    target.last_message_at = max(filter(None, (target.last_message_at, latest)))
    target.customer_wrote = target.customer_wrote or any(s.customer_wrote for s in sources)
    target.save()
    for source in sources:
        set_status(source, Status.CLOSED)
        source.merged_into = target
        source.save()
        record(actor=actor, action="ticket.merged_into", object_type="ticket",
               object_id=source.pk, context={"into": target.pk,
                                             "customer": str(source.customer_id)})
    record(actor=actor, action="ticket.merge", object_type="ticket", object_id=target.pk,
           context={"merged": ids, "messages": moved, "customer": str(target.customer_id)})
    target.changes = [f"merged #{i}" for i in ids]
    return target


def current(ticket: Ticket | None) -> Ticket | None:
    """The ticket a merged one now lives in (following merges made since), for mail
    that answers the old one; the ticket itself when it was never merged."""
    hops = 0
    while ticket is not None and ticket.merged_into_id is not None and hops < MAX_HOPS:
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first() or ticket
        hops += 1
    return ticket

