"""Reads of tickets and conversations, scoped to the actor and audited."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.core.pagination import Page, capped_count, clamped, page_bounds
from trustdesk.customers import organisations
from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import CustomerProfile
from trustdesk.customers.selectors import customer_names, customer_shown
from trustdesk.search import selectors as search
from trustdesk.tickets import activity, quarantine
from trustdesk.tickets.models import (
    Attachment,
    Channel,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
)
from trustdesk.tickets.sealing import open_attachment_data, open_attachment_meta, open_messages
from trustdesk.tickets.withhold import render_bytes, render_messages
from trustdesk.vault.errors import SubjectErased

ORDERINGS = {
    "updated": ("-last_message_at", "-id"),
    "oldest": ("last_message_at", "id"),
    "created": ("-created_at", "-id"),
    "priority": ("-priority_rank", "-last_message_at"),
    # What falls due first (service-level targets), then the longest waiting.
    "due": (F("next_due_at").asc(nulls_last=True), "last_message_at", "id"),
}


def visible_tickets(actor: Actor) -> QuerySet[Ticket]:
    """Tickets the actor may see at all: every ticket with ``ticket.view_all``; otherwise
    those assigned to them, to one of their teams, or to no team yet. A held ticket
    (reported as phishing) is in nobody's queue: only the system (intake, the suspended
    queue's release) reaches it."""
    rule = visible_rule(actor)
    return Ticket.objects.none() if rule is None else Ticket.objects.filter(rule)


def visible_rule(actor: Actor, prefix: str = "") -> Q | None:
    """``visible_tickets`` as a condition, on the ticket reached by ``prefix``
    ("ticket__" from a row that points at one): for a correlated EXISTS, where a
    ``ticket__in=visible_tickets(...)`` would list every visible id first. None: the
    actor sees no ticket."""
    rule = Q() if actor.is_system else Q(**{f"{prefix}held_at__isnull": True})
    if policy.has_permission(actor, "ticket.view_all"):
        return rule
    if not policy.has_permission(actor, "ticket.view"):
        return None
    return rule & (Q(**{f"{prefix}assignee_id": actor.user_id})
                   | Q(**{f"{prefix}team_id__in": actor.team_ids})
                   | Q(**{f"{prefix}team__isnull": True}))


@dataclass(frozen=True)
class TicketFilters:
    status: str | None = None  # a status, or "active" for new/open/pending
    priority: str | None = None
    channel: str | None = None
    assignee: str | None = None  # "me", "none" or an agent id
    team_id: int | None = None
    customer_id: str | None = None
    q: str | None = None  # the ticket number, or words of the subject or the messages
    tag: str | None = None  # a tag the ticket carries
    organisation_id: int | None = None  # tickets of the organisation's customers
    order: str = "updated"


def _apply_filters(tickets: QuerySet[Ticket], f: TicketFilters, actor: Actor):
    if f.status == "active":
        tickets = tickets.filter(status__in=(Status.NEW, Status.OPEN, Status.PENDING))
    elif f.status:
        _check(f.status, Status.values, "status")
        tickets = tickets.filter(status=f.status)
    if f.priority:
        _check(f.priority, Priority.values, "priority")
        tickets = tickets.filter(priority=f.priority)
    if f.channel:
        _check(f.channel, Channel.values, "channel")
        tickets = tickets.filter(channel=f.channel)
    if f.assignee == "me":
        tickets = tickets.filter(assignee_id=actor.user_id)
    elif f.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif f.assignee:
        agent_id = _as_id(f.assignee)
        if agent_id is None:
            raise ValidationError("assignee must be 'me', 'none' or an agent id.",
                                  field="assignee")
        tickets = tickets.filter(assignee_id=agent_id)
    if f.team_id is not None:
        tickets = tickets.filter(team_id=f.team_id)
    if f.customer_id:
        tickets = tickets.filter(customer_id=f.customer_id)
    if f.organisation_id is not None:
        organisations.require_visible(actor)  # membership says what "company" says
        tickets = tickets.filter(customer__organisation_id=f.organisation_id)
    if f.tag:
        # As tags are stored (``clear_labels.plain``: NFKC, lower case, "-").
        tag = "-".join(unicodedata.normalize("NFKC", f.tag).replace("\x00", "")
                       .lower().split())[:40]
        # The tag's id first: filtered by name through a join, PostgreSQL could not see
        # how rare a tag is and walked the whole queue.
        tag_id = Tag.objects.filter(name=tag).values_list("pk", flat=True).first()
        tickets = tickets.filter(ticket_tags__tag_id=tag_id) if tag_id else tickets.none()
    if f.q:
        q = f.q.replace("\x00", "").strip().lstrip("#")  # subjects never contain NUL
        ticket_id = _as_id(q)
        if ticket_id is not None:
            tickets = tickets.filter(pk=ticket_id)
        else:
            # Words of the subject (or their starts) and of the conversation, through the
            # search index: only what intake left in them can be found, and no scan of
            # every subject.
            words = search.ticket_condition(q)
            tickets = tickets.filter(words) if words is not None else tickets.none()
    if f.order not in ORDERINGS:
        _check(f.order, tuple(ORDERINGS), "order")
    if f.order == "priority":
        rank = Case(*(When(priority=p, then=Value(i)) for i, p in enumerate(Priority.values)),
                    output_field=IntegerField())
        tickets = tickets.annotate(priority_rank=rank)
    return tickets.order_by(*ORDERINGS[f.order])


SEARCH_COUNT_CAP = 200


def _words(f: TicketFilters) -> bool:
    """Whether ``q`` is a word search (not empty, not a ticket number)."""
    q = (f.q or "").replace("\x00", "").strip().lstrip("#")
    return bool(q) and _as_id(q) is None


def _as_id(text: str) -> int | None:
    """``text`` as a database id if it is one: ASCII digits ("²".isdigit() is true too)
    within the range of a 64-bit key."""
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63:
        return int(text)
    return None


def _check(value: str, allowed, field: str) -> None:
    if value not in allowed:
        raise ValidationError(f"{field} must be one of {', '.join(allowed)}.", field=field)


@dataclass(frozen=True)
class TicketRow:
    ticket: Ticket
    customer_name: str


@transaction.atomic
def ticket_list(
    *, actor: Actor, filters: TicketFilters = TicketFilters(), page: int = 1,
    page_size: int = 25,
) -> Page[TicketRow]:
    policy.require(actor, "ticket.view")
    page_bounds(page, page_size)  # refuses a page or size out of range
    if filters.customer_id:
        try:
            uuid.UUID(str(filters.customer_id))
        except ValueError:
            raise ValidationError("customer_id is not a valid id.", field="customer_id") from None
    tickets = _apply_filters(visible_tickets(actor), filters, actor).select_related(
        "assignee", "team"
    )
    # A word search counts its matches to a lower cap: checking each ticket for two
    # common words until a thousand matched was most of such a search's time.
    total, capped = capped_count(tickets, cap=SEARCH_COUNT_CAP) if _words(filters) \
        else capped_count(tickets)
    page, start, stop = clamped(page, page_size, total, capped)
    rows = list(tickets[start:stop].prefetch_related("tags"))
    names = customer_names([t.customer_id for t in rows], actor=actor)
    record(actor=actor, action="ticket.list", object_type="ticket",
           fields=["full_name"] if rows else [],
           context={"ids": [t.pk for t in rows],
                    "customers": sorted({str(t.customer_id) for t in rows})})
    return Page(items=[TicketRow(t, names[t.customer_id]) for t in rows], page=page,
                page_size=page_size, total=total, total_capped=capped)


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    messages: list[Message]
    customer: CustomerProfile | None  # None when the actor may not see customer profiles
    activity: list = field(default_factory=list)  # activity.Activity, oldest first


@transaction.atomic
def ticket_get(*, actor: Actor, ticket_id: int) -> TicketDetail:
    policy.require(actor, "ticket.view")
    ticket = visible_tickets(actor).select_related("assignee", "team", "customer").filter(
        pk=ticket_id
    ).prefetch_related("tags").first()
    if ticket is None:
        raise NotFound()
    # Attachment bytes stay in the database until someone downloads one.
    messages = list(
        Message.objects.filter(ticket=ticket).select_related("author").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.defer("data"))
        )
    )
    open_messages(ticket.customer_id, messages,
                  erased=ticket.customer.status == Customer.Status.ERASED)
    # Each tokenized value as the field policy shows it to this reader.
    view = render_messages(actor, ticket.customer, messages)
    quarantine.mark(actor, ticket.customer_id, messages)
    # The customer as read with the ticket, need-to-know as just decided for the messages.
    profile = (
        customer_shown(actor=actor, customer=ticket.customer, known=view.known)
        if policy.has_permission(actor, "customer.view") else None
    )
    record(actor=actor, action="ticket.view", object_type="ticket", object_id=ticket.pk,
           fields=["messages"], context={"customer": str(ticket.customer_id)})
    return TicketDetail(ticket=ticket, messages=messages, customer=profile,
                        activity=activity.ticket_activity(ticket))


@transaction.atomic
def attachment_get(*, actor: Actor, attachment_id: int) -> Attachment:
    policy.require(actor, "ticket.view")
    attachment = Attachment.objects.select_related("message__ticket__customer").filter(
        pk=attachment_id, message__ticket__in=visible_tickets(actor)
    ).first()
    if attachment is None:
        raise NotFound()
    customer = attachment.message.ticket.customer
    if not quarantine.may_download(actor, customer.pk, attachment):
        raise NotFound()  # an unscanned file is hidden from who may not see every field
    if customer.status == Customer.Status.ERASED:
        raise SubjectErased()
    open_attachment_meta(customer.pk, attachment, erased=False)
    attachment.content = render_bytes(actor, customer,
                                      open_attachment_data(customer.pk, attachment))
    context = {"ticket": attachment.message.ticket_id, "customer": str(customer.pk)}
    if attachment.quarantine:
        context["quarantine"] = attachment.quarantine
    record(actor=actor, action="attachment.download", object_type="attachment",
           object_id=attachment.pk, context=context)
    return attachment


def message_rendered(*, actor: Actor, message: Message) -> Message:
    """A message just written, as ``actor`` may read it (its body holds tokens): rendered
    in place by the same function as ``ticket_get``'s messages."""
    ticket = Ticket.objects.select_related("customer").get(pk=message.ticket_id)
    render_messages(actor, ticket.customer, [message])
    return message
