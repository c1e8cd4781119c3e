"""The mail gateway's allow and deny lists: read them (``mail.view``), add and remove
entries (``mail.configure``; recorded as ``mail.list.add`` / ``mail.list.remove``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.mailgateway import selectors, services

router = Router(tags=["mail"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut}
Action = Literal["allow", "deny"]
Kind = Literal["address", "domain", "network", "country"]


class ListEntryOut(Schema):
    id: int
    action: str
    kind: str
    value: str = Field(description="Normalised: lower-case addresses and domains (IDN in "
                       "punycode), canonical CIDR blocks, upper-case country codes")
    note: str
    created_at: dt.datetime


class ListEntryIn(Schema):
    action: Action
    kind: Kind
    value: str = Field(max_length=300)
    note: str = Field(default="", max_length=200)


class ListQuery(Schema):
    action: Action | None = None
    kind: Kind | None = None


def _out(entry) -> ListEntryOut:
    return ListEntryOut(id=entry.pk, action=entry.action, kind=entry.kind, value=entry.value,
                        note=entry.note, created_at=entry.created_at)


@router.get("/mail/lists", response={200: list[ListEntryOut], **ERRORS})
def list_entries(request, query: Query[ListQuery]):
    """The gateway's allow and deny lists, deny entries first."""
    return [_out(e) for e in selectors.list_entries(actor=actor(request), action=query.action,
                                                    kind=query.kind)]


@router.post("/mail/lists", response={201: ListEntryOut, **ERRORS})
def list_entry_add(request, body: ListEntryIn):
    """Add an entry. The value is validated for its kind and stored normalised; a value
    already listed is refused (400, ``field: value``)."""
    entry = services.list_entry_add(actor=actor(request), action=body.action, kind=body.kind,
                                    value=body.value, note=body.note)
    return Status(201, _out(entry))


@router.delete("/mail/lists/{entry_id}", response={204: None, **ERRORS})
def list_entry_remove(request, entry_id: int):
    """Remove an entry."""
    services.list_entry_remove(actor=actor(request), entry_id=entry_id)
    return Status(204, None)
