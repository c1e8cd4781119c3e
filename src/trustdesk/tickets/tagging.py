"""Tags on tickets: adding and removing them, and the tags an actor's queue uses.

A tag is shown in clear in every queue, to every role that sees the ticket, and it is not
sealed or erased with the customer's data. So a tag may not carry personal data: what the
PII detector finds (an email address, a phone or card number), a long number (an account
or order number), or a customer's full name ("ada-lovelace") is refused, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.tickets import clear_labels
from trustdesk.tickets.clear_labels import plain
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Status, Tag, Ticket, TicketTag
from trustdesk.tickets.selectors import visible_rule, visible_tickets
from trustdesk.tickets.services import locked_ticket

MAX_LENGTH = 40
MAX_PER_TICKET = 20
MAX_PER_CHANGE = 20
# Letters, digits, "-" and "_" in any script ("退款" as well as "refund"); a letter or a
# digit first.
_SHAPE = re.compile(r"[^\W_][\w-]*")
WHAT = "A tag is shown in clear in every queue"


def normalise(name: str) -> str:
    """The tag as stored (``clear_labels.plain``), of the right shape and length; raises
    ValidationError. What it holds is checked by ``check_new`` before a tag is added."""
    text = plain(name)
    if not text:
        raise ValidationError("A tag needs a name.", field="tags")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"A tag is at most {MAX_LENGTH} characters.", field="tags")
    return text


def _count(names: Iterable[str], what: str) -> list[str]:
    names = list(names or ())
    if len(names) > MAX_PER_CHANGE:
        raise ValidationError(f"At most {MAX_PER_CHANGE} tags to {what} at once.",
                              field="tags")
    return names


def check_new(actor: Actor, names: Iterable[str]) -> list[str]:
    """Tags about to be added: normalised, and refused if they hold personal data
    (``clear_labels.check``: counted and audited). Call outside a transaction."""
    texts = [normalise(n) for n in _count(names, "add")]
    # Personal data first: "that is an email address" helps more than "not a tag".
    clear_labels.check(actor, texts, what=WHAT, field="tags")
    return shaped(texts)


def shaped(names: Iterable[str]) -> list[str]:
    """Tags of the right shape (letters, digits, "-" and "_"), normalised: the check
    that says nothing about customers, for where the personal-data one may not run."""
    texts = [normalise(n) for n in _count(names, "add")]
    for text in texts:
        if not _SHAPE.fullmatch(text):
            raise ValidationError(f"“{text}” is not a tag: use letters, digits, “-” and "
                                  "“_”.", field="tags")
    return sorted(set(texts))


def plain_names(names: Iterable[str]) -> list[str]:
    """Tags to remove or filter by: plain, never refused for what they hold."""
    return sorted({plain(n) for n in _count(names, "remove") if plain(n)})


def ticket_tags_change(*, actor: Actor, ticket_id: int, add: Iterable[str] = (),
                       remove: Iterable[str] = ()) -> Ticket:
    """Add and remove tags on a ticket the actor may see and update (``ticket.update``),
    audited as ``ticket.tag`` with the tags changed. Adding a tag the ticket has, or
    removing one it has not, is no change. A new name becomes a tag; removing is never
    refused for what a name holds (a tag that became a customer's name must come off).
    The returned ticket's ``changes`` lists the tags added ("+name") and removed
    ("-name")."""
    policy.require(actor, "ticket.update")
    # The ticket first: out of reach, nothing about the names is answered.
    if not visible_tickets(actor).filter(pk=ticket_id).exists():
        raise NotFound()
    added, removed = check_new(actor, add), plain_names(remove)
    return change_checked(actor=actor, ticket_id=ticket_id, add=added, remove=removed)


@transaction.atomic
def change_checked(*, actor: Actor, ticket_id: int, add: list[str], remove: list[str]
                   ) -> Ticket:
    """``ticket_tags_change`` with names already checked (``check_new``) and plain."""
    policy.require(actor, "ticket.update")
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
        # A tag on no ticket any more is gone: nothing keeps a name nobody uses.
        Tag.objects.filter(name__in=removed, ticket_tags__isnull=True).delete()
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
    rule = visible_rule(actor, "ticket__")
    if rule is None:
        return []
    # As ``tag_names``: probes per tag, not a join over every visible ticket.
    tags = Tag.objects.filter(Exists(TicketTag.objects.filter(rule, tag_id=OuterRef("pk"))))
    if prefix := plain(prefix):
        tags = tags.filter(name__startswith=prefix[:MAX_LENGTH])
    active = TicketTag.objects.filter(
        rule, tag_id=OuterRef("pk"),
        ticket__status__in=(Status.NEW, Status.OPEN, Status.PENDING)).values(
        "tag_id").annotate(n=Count("id")).values("n")
    rows = tags.annotate(n=Coalesce(Subquery(active), 0)).order_by(
        "-n", "name")[:max(1, min(limit, 500))]
    return [TagCount(t.name, t.n) for t in rows]


def tag_names(*, actor: Actor, limit: int = 200) -> list[str]:
    """Tag names to complete from as an agent types: those on tickets the actor can see,
    by name (no count: cheap on a large queue)."""
    policy.require(actor, "ticket.view")
    rule = visible_rule(actor, "ticket__")
    if rule is None:
        return []
    # One probe per tag (there are few), not a join over every visible ticket: the
    # latter was a third of the queue page's time on a large desk.
    used = TicketTag.objects.filter(rule, tag_id=OuterRef("pk"))
    return list(Tag.objects.filter(Exists(used)).order_by("name")
                .values_list("name", flat=True)[:limit])
