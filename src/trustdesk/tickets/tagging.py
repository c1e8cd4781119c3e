"""Tags on tickets: adding and removing them, and the tags an actor's queue uses.

A tag is shown in clear in every queue, to every role that sees the ticket, and it is not
sealed or erased with the customer's data. So a tag may not carry personal data: what the
PII detector finds (an email address, a phone or card number), a long number (an account
or order number), or a customer's full name ("ada-lovelace") is refused, with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from trustdesk import pii
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers.selectors import customer_named
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Status, Tag, Ticket, TicketTag
from trustdesk.tickets.selectors import visible_tickets
from trustdesk.tickets.services import locked_ticket

MAX_LENGTH = 40
MAX_PER_TICKET = 20
MAX_PER_CHANGE = 20
# Letters, digits, "-" and "_" in any script ("退款" as well as "refund"); a letter or a
# digit first.
_SHAPE = re.compile(r"[^\W_][\w-]*")
_LONG_NUMBER = re.compile(r"\d{6,}")
# Tag checks ask the name-claim hash as a channel would: yes or no, never whose.
_CHECKER = Actor.system("tag check")


def normalise(name: str) -> str:
    """The tag as stored: NFKC, lower case, spaces as "-". Raises ValidationError for a
    name that is empty, too long, of other characters, or holds personal data."""
    text = unicodedata.normalize("NFKC", str(name or "")).replace("\x00", "")
    text = "-".join(text.lower().split())
    if not text:
        raise ValidationError("A tag needs a name.", field="tags")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"A tag is at most {MAX_LENGTH} characters.", field="tags")
    # Personal data first: "that is an email address" helps more than "not a tag".
    refuse_personal_data(text)
    if not _SHAPE.fullmatch(text):
        raise ValidationError(f"“{text}” is not a tag: use letters, digits, “-” and “_”.",
                              field="tags")
    return text


def refuse_personal_data(text: str, *, what: str = "A tag is shown in clear in every "
                         "queue", field: str = "tags", numbers: bool = True) -> None:
    """Raise ValidationError if ``text`` holds what the PII detector finds, a customer's
    full name, or (with ``numbers``) a run of six digits or more. For labels stored and
    shown in clear: tags, saved views."""
    spaced = text.replace("-", " ").replace("_", " ")
    found = {f.entity for f in pii.scan(spaced)} | {f.entity for f in pii.scan(text)}
    long_number = numbers and _LONG_NUMBER.search(text.replace("-", "").replace("_", ""))
    if found or long_number:
        kind = ", ".join(sorted(found)).lower().replace("_", " ") or "a long number"
        raise ValidationError(f"{what}, so it cannot hold personal data (this looks like "
                              f"{kind}).", field=field)
    if customer_named(actor=_CHECKER, name=spaced):
        raise ValidationError(f"{what}, so it cannot be a customer's name.", field=field)


def _names(names: Iterable[str], what: str) -> list[str]:
    names = list(names or ())
    if len(names) > MAX_PER_CHANGE:
        raise ValidationError(f"At most {MAX_PER_CHANGE} tags to {what} at once.",
                              field="tags")
    return sorted({normalise(n) for n in names})


@transaction.atomic
def ticket_tags_change(*, actor: Actor, ticket_id: int, add: Iterable[str] = (),
                       remove: Iterable[str] = ()) -> Ticket:
    """Add and remove tags on a ticket the actor may see and update (``ticket.update``),
    audited as ``ticket.tag`` with the tags changed. Adding a tag the ticket has, or
    removing one it has not, is no change. A new name becomes a tag. The returned
    ticket's ``changes`` lists the tags added ("+name") and removed ("-name")."""
    policy.require(actor, "ticket.update")
    add, remove = _names(add, "add"), _names(remove, "remove")
    if set(add) & set(remove):
        raise ValidationError("A tag cannot be added and removed at once.", field="tags")
    ticket = locked_ticket(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        raise TicketClosed()
    current = set(ticket.tags.values_list("name", flat=True))
    added = [n for n in add if n not in current]
    removed = [n for n in remove if n in current]
    if len(current) + len(added) - len(removed) > MAX_PER_TICKET:
        raise ValidationError(f"A ticket carries at most {MAX_PER_TICKET} tags.",
                              field="tags")
    if removed:
        TicketTag.objects.filter(ticket=ticket, tag__name__in=removed).delete()
    for name in added:
        tag, _ = Tag.objects.get_or_create(name=name)
        TicketTag.objects.create(ticket=ticket, tag=tag, added_by_user_id=actor.user_id)
    if added or removed:
        ticket.save(update_fields=["updated_at"])
        record(actor=actor, action="ticket.tag", object_type="ticket", object_id=ticket.pk,
               context={"added": added, "removed": removed,
                        "customer": str(ticket.customer_id)})
    ticket.changes = [f"+{n}" for n in added] + [f"-{n}" for n in removed]
    return ticket


@dataclass(frozen=True)
class TagCount:
    name: str
    tickets: int  # active tickets the actor can see that carry it


def tag_list(*, actor: Actor, prefix: str = "", limit: int = 200) -> list[TagCount]:
    """The tags on tickets the actor can see, most used on active tickets first; with
    ``prefix``, those starting with it (for completing a tag as it is typed)."""
    policy.require(actor, "ticket.view")
    seen = visible_tickets(actor)
    tags = Tag.objects.filter(ticket_tags__ticket__in=seen)
    if prefix := "-".join(unicodedata.normalize("NFKC", prefix or "").lower().split()):
        tags = tags.filter(name__startswith=prefix[:MAX_LENGTH])
    active = Q(ticket_tags__ticket__status__in=(Status.NEW, Status.OPEN, Status.PENDING),
               ticket_tags__ticket__in=seen)
    rows = tags.annotate(n=Count("ticket_tags", filter=active, distinct=True)).order_by(
        "-n", "name").distinct()[:max(1, min(limit, 500))]
    return [TagCount(t.name, t.n) for t in rows]


def tag_names(*, actor: Actor, limit: int = 200) -> list[str]:
    """Tag names to complete from as an agent types: every tag, by name. Cheap on any
    queue size (no count), and no leak: a tag never holds personal data (``normalise``)."""
    policy.require(actor, "ticket.view")
    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:limit])
