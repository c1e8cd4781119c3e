"""Privacy requests (``privacy_request.view``): the kind, the state, the legal clock and
the timeline, never the customer's words. Staff file one on a customer's behalf and
confirm a requester's identity (``privacy_request.file``); privacy officers extend,
pause, resume, close, fulfil and refuse them (``privacy_request.manage``, docs/dsr.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.customers import dsr, requests
from trustdesk.dsr import selectors as dsr_selectors
from trustdesk.dsr import services as fulfilment

router = Router(tags=["privacy"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class PrivacyRequestOut(Schema):
    id: int
    customer_id: uuid.UUID
    kind: str = Field(description="access, rectification, erasure, restriction or objection")
    status: str = Field(description="open or closed")
    created_at: dt.datetime
    jurisdiction: str = Field(description="The rule whose deadline applies (docs/dsr.md)")
    due_at: dt.datetime | None = Field(
        description="The first moment the answer is late; moves on while paused")
    days_left: int | None = Field(description="Days to the due day; negative once late")
    paused: bool
    extended: bool
    breached: bool
    identity_verified: bool = Field(
        description="Whether the requester is confirmed to be the customer")
    outcome: str = Field(description="fulfilled, refused, withdrawn or closed; blank while open")
    exemption: str = Field(description="The exemption a refusal was made under")
    purpose: str = Field(description="An objection's purpose")


class StepOut(Schema):
    at: dt.datetime
    action: str
    words: str
    by: str
    outcome: str
    facts: dict


class RequestDetailOut(Schema):
    request: PrivacyRequestOut
    customer_status: str
    restricted: bool
    identity_method: str
    extension_reason: str
    exemption_reason: str
    timeline: list[StepOut]


class FileIn(In):
    customer_id: uuid.UUID
    kind: str = Field(description="access, rectification, erasure, restriction or objection")


class IdentityIn(In):
    override_reason: str | None = Field(
        default=None, max_length=1000,
        description="Privacy officers only: how the identity was established without a "
                    "verification code (alerts security officers)")


class FulfilIn(In):
    changes: dict[str, str | None] = Field(
        default_factory=dict, description="A correction: field → new value (null removes)")
    purpose: str = Field(default="", max_length=64, description="An objection's purpose")


class RefuseIn(In):
    exemption: str = Field(description=", ".join(v for v, _ in fulfilment.EXEMPTIONS))
    reason: str = Field(min_length=1, max_length=1000)


class LiftIn(In):
    reason: str = Field(min_length=1, max_length=1000)


class ExtendIn(In):
    reason: str = Field(min_length=1, max_length=1000)


def _out(r: requests.RequestRow) -> PrivacyRequestOut:
    return PrivacyRequestOut(id=r.id, customer_id=r.customer_id, kind=r.kind,
                             status=r.status, created_at=r.created_at,
                             jurisdiction=r.jurisdiction, due_at=r.due_at,
                             days_left=r.days_left, paused=r.paused, extended=r.extended,
                             breached=r.breached, identity_verified=r.identity_verified,
                             outcome=r.outcome, exemption=r.exemption, purpose=r.purpose)


@router.get("/privacy/requests", response={200: list[PrivacyRequestOut], 401: ErrorOut,
                                           403: ErrorOut})
def request_list(request, limit: int = 200):
    return [_out(r) for r in requests.request_list(actor=actor(request), limit=limit)]


@router.post("/privacy/requests", response={201: PrivacyRequestOut, **ERRORS})
def request_file(request, payload: FileIn):
    """File a request a customer made by phone or letter; the open request of the same
    kind is returned if there is one."""
    return Status(201, _out(dsr.dsr_file(actor=actor(request),
                                         customer_id=payload.customer_id, kind=payload.kind)))


@router.post("/privacy/requests/{request_id}/extend",
             response={200: PrivacyRequestOut, **ERRORS})
def request_extend(request, request_id: int, payload: ExtendIn):
    """409 once the rule's extensions are used up."""
    return _out(dsr.dsr_extend(actor=actor(request), request_id=request_id,
                               reason=payload.reason))


@router.post("/privacy/requests/{request_id}/pause",
             response={200: PrivacyRequestOut, **ERRORS})
def request_pause(request, request_id: int):
    return _out(dsr.dsr_pause(actor=actor(request), request_id=request_id))


@router.post("/privacy/requests/{request_id}/resume",
             response={200: PrivacyRequestOut, **ERRORS})
def request_resume(request, request_id: int):
    return _out(dsr.dsr_resume(actor=actor(request), request_id=request_id))


@router.post("/privacy/requests/{request_id}/close",
             response={200: PrivacyRequestOut, **ERRORS})
def request_close(request, request_id: int):
    return _out(dsr.dsr_close(actor=actor(request), request_id=request_id))


@router.get("/privacy/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def request_detail(request, request_id: int):
    d = dsr_selectors.request_detail(actor=actor(request), request_id=request_id)
    return RequestDetailOut(
        request=_out(d.row), customer_status=d.customer_status, restricted=d.restricted,
        identity_method=d.identity_method, extension_reason=d.extension_reason,
        exemption_reason=d.exemption_reason,
        timeline=[StepOut(at=s.at, action=s.action, words=s.words, by=s.by,
                          outcome=s.outcome, facts=s.facts) for s in d.timeline])


@router.post("/privacy/requests/{request_id}/identity",
             response={200: PrivacyRequestOut, **ERRORS})
def request_identity(request, request_id: int, payload: IdentityIn):
    """403 (``verification_required``) until the caller is verified to the request's
    level, unless a privacy officer gives ``override_reason``."""
    return _out(dsr.dsr_confirm_identity(actor=actor(request), request_id=request_id,
                                         override_reason=payload.override_reason))


@router.post("/privacy/requests/{request_id}/fulfil",
             response={200: PrivacyRequestOut, **ERRORS, 503: ErrorOut})
def request_fulfil(request, request_id: int, payload: FulfilIn):
    """Carry the request out (docs/dsr.md): 409 while the identity is unconfirmed, for an
    erasure under a legal hold, an objection to a purpose that cannot be objected to."""
    return _out(fulfilment.dsr_fulfil(actor=actor(request), request_id=request_id,
                                      changes=payload.changes, purpose=payload.purpose))


@router.post("/privacy/requests/{request_id}/refuse",
             response={200: PrivacyRequestOut, **ERRORS})
def request_refuse(request, request_id: int, payload: RefuseIn):
    return _out(fulfilment.dsr_refuse(actor=actor(request), request_id=request_id,
                                      exemption=payload.exemption, reason=payload.reason))


@router.post("/privacy/restrictions/{customer_id}/lift", response={204: None, **ERRORS})
def restriction_lift(request, customer_id: uuid.UUID, payload: LiftIn):
    fulfilment.lift_restriction(actor=actor(request), customer_id=customer_id,
                                reason=payload.reason)
    return Status(204, None)
