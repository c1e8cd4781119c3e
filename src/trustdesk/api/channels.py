"""The official-channel registry: listed by any signed-in person or token, added,
changed and removed with ``channel.manage`` (recorded: ``channel.create`` /
``channel.update`` / ``channel.delete``). The public read is the trust page itself."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.channels import selectors, services
from trustdesk.channels.vocabulary import KINDS, NEVER_ASK

router = Router(tags=["channels"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class ChannelOut(Schema):
    id: int
    kind: str = Field(description=f"One of {', '.join(KINDS)}")
    value: str = Field(description="The address, number (international form), handle or URL")
    label: str
    may_ask: list[str]
    never_asks: list[str] = Field(description=f"Keys of: {', '.join(NEVER_ASK)}; always "
                                              "with the defaults")
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ChannelIn(In):
    kind: str = Field(max_length=16)
    value: str = Field(max_length=254)
    label: str = Field(default="", max_length=80)
    may_ask: list[str] = Field(default_factory=list, max_length=48)
    never_asks: list[str] = Field(default_factory=list, max_length=16)
    active: bool = True


class ChannelPatchIn(In):
    value: str | None = Field(default=None, max_length=254)
    label: str | None = Field(default=None, max_length=80)
    may_ask: list[str] | None = Field(default=None, max_length=48)
    never_asks: list[str] | None = Field(default=None, max_length=16)
    active: bool | None = None


def _out(c) -> ChannelOut:
    return ChannelOut(id=c.pk, kind=c.kind, value=c.value, label=c.label, may_ask=c.may_ask,
                      never_asks=c.never_asks, active=c.active, created_at=c.created_at,
                      updated_at=c.updated_at)


@router.get("/channels", response={200: list[ChannelOut], **ERRORS})
def channel_list(request):
    return [_out(c) for c in selectors.channel_list(actor=actor(request))]


@router.post("/channels", response={201: ChannelOut, **ERRORS})
def channel_create(request, payload: ChannelIn):
    return Status(201, _out(services.channel_create(actor=actor(request), **payload.dict())))


@router.patch("/channels/{channel_id}", response={200: ChannelOut, **ERRORS})
def channel_update(request, channel_id: int, payload: ChannelPatchIn):
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _out(services.channel_update(actor=actor(request), channel_id=channel_id,
                                        **changes))


@router.delete("/channels/{channel_id}", response={204: None, **ERRORS})
def channel_delete(request, channel_id: int):
    services.channel_delete(actor=actor(request), channel_id=channel_id)
    return Status(204, None)
