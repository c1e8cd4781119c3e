"""Tags and bulk actions on tickets (the queue's tools), over the same services as the
console's queue."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In, PriorityName, StatusName, TicketOut
from trustdesk.customers.selectors import customer_names
from trustdesk.tickets import bulk, cc, merge, presence, selectors, services, tagging

router = Router(tags=["tickets"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class TagsIn(In):
    add: list[str] = Field(default_factory=list, max_length=tagging.MAX_PER_CHANGE)
    remove: list[str] = Field(default_factory=list, max_length=tagging.MAX_PER_CHANGE)


class TagOut(Schema):
    name: str
    tickets: int = Field(description="Active tickets you can see that carry it")


class TagQuery(Schema):
    prefix: str = Field(default="", max_length=tagging.MAX_LENGTH)


class BulkIn(In):
    ids: list[int] = Field(min_length=1, max_length=bulk.MAX_TICKETS)
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee_id: int | None = Field(default=None, description="null unassigns")
    team_id: int | None = Field(default=None, description="null takes it out of its team")
    add_tags: list[str] = Field(default_factory=list, max_length=tagging.MAX_PER_CHANGE)
    remove_tags: list[str] = Field(default_factory=list, max_length=tagging.MAX_PER_CHANGE)


class ActivityOut(Schema):
    at: dt.datetime
    who: str
    action: str
    changes: list[str]


class MergeIn(In):
    sources: list[int] = Field(min_length=1, max_length=20, description=(
        "Tickets of the same customer to merge into this one: closed, their conversation "
        "moved here"))


class CcIn(In):
    add: list[str] = Field(default_factory=list, max_length=10,
                           description="Addresses to copy on replies")
    remove: list[int] = Field(default_factory=list, max_length=10,
                              description="Positions in the list as shown")


class PresenceIn(In):
    replying: bool = False


class OtherOut(Schema):
    name: str
    replying: bool


class Refusal(Schema):
    id: int
    error: str


class BulkOut(Schema):
    done: list[int]
    unchanged: list[int]
    refused: list[Refusal]


@router.get("/tags", response={200: list[TagOut], **ERRORS})
def list_tags(request, query: Query[TagQuery]):
    """The tags on tickets you can see, most used on active tickets first."""
    return [{"name": t.name, "tickets": t.tickets}
            for t in tagging.tag_list(actor=actor(request), prefix=query.prefix)]


@router.post("/tickets/{ticket_id}/tags", response={200: TicketOut, **ERRORS})
def change_tags(request, ticket_id: int, payload: TagsIn):
    """Add and remove tags. A tag is shown in clear in every queue: one that holds
    personal data (an address, a number, a customer's name) is refused."""
    ticket = tagging.ticket_tags_change(actor=actor(request), ticket_id=ticket_id,
                                        add=payload.add, remove=payload.remove)
    name = customer_names([ticket.customer_id], actor=actor(request))[ticket.customer_id]
    return render.ticket(ticket, name)


@router.post("/tickets/bulk", response={200: BulkOut, **ERRORS})
def bulk_change(request, payload: BulkIn):
    """One change to up to 100 tickets, each checked and audited on its own; a ticket
    that refuses it is listed under ``refused`` and left as it was."""
    given = payload.model_fields_set
    fields = {name: getattr(payload, name) for name in
              ("status", "priority", "assignee_id", "team_id") if name in given}
    for name in ("status", "priority"):
        if fields.get(name, services.UNSET) is None:
            del fields[name]  # null status or priority: no change
    result = bulk.tickets_bulk(actor=actor(request), ticket_ids=payload.ids,
                               add_tags=payload.add_tags, remove_tags=payload.remove_tags,
                               **fields)
    return {"done": result.done, "unchanged": result.unchanged,
            "refused": [{"id": k, "error": v} for k, v in result.refused.items()]}


@router.get("/tickets/{ticket_id}/activity", response={200: list[ActivityOut], **ERRORS})
def ticket_activity(request, ticket_id: int):
    """Who changed the ticket's status, priority, assignee, team, subject or tags, and
    when, oldest first: read from the audit trail, as the console's thread shows it."""
    detail = selectors.ticket_get(actor=actor(request), ticket_id=ticket_id)
    return [{"at": a.at, "who": a.who, "action": a.action, "changes": list(a.changes)}
            for a in detail.activity]


@router.post("/tickets/{ticket_id}/merge", response={200: TicketOut, **ERRORS})
def merge_tickets(request, ticket_id: int, payload: MergeIn):
    """Merge other tickets of the same customer into this one, all or nothing."""
    ticket = merge.tickets_merge(actor=actor(request), target_id=ticket_id,
                                 source_ids=payload.sources)
    name = customer_names([ticket.customer_id], actor=actor(request))[ticket.customer_id]
    return render.ticket(ticket, name)


@router.post("/tickets/{ticket_id}/presence", response={200: list[OtherOut], **ERRORS})
def ticket_presence(request, ticket_id: int, payload: PresenceIn):
    """A heartbeat while you have the ticket open (every 10–20 seconds): answers who else
    has it open, and who is writing a reply."""
    return [{"name": o.name, "replying": o.replying} for o in presence.beat(
        actor=actor(request), ticket_id=ticket_id, replying=payload.replying)]


@router.get("/tickets/{ticket_id}/cc", response={200: list[str], **ERRORS})
def list_cc(request, ticket_id: int):
    """Who else replies by email go to, as you may see them (masked as the customer's
    own email address is for your role)."""
    detail = selectors.ticket_get(actor=actor(request), ticket_id=ticket_id)
    return cc.shown(actor(request), detail.ticket)


@router.post("/tickets/{ticket_id}/cc", response={200: list[str], **ERRORS})
def change_cc(request, ticket_id: int, payload: CcIn):
    return cc.ticket_cc_change(actor=actor(request), ticket_id=ticket_id, add=payload.add,
                               remove=payload.remove)
