"""Privacy requests (``privacy_request.view``): the kind, the state, the legal clock,
never the customer's words. Staff file one on a customer's behalf
(``privacy_request.file``); privacy officers extend, pause, resume and close them
(``privacy_request.manage``, docs/dsr.md). Fulfilling a request is its own use case."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.customers import dsr, requests

router = Router(tags=["privacy"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class PrivacyRequestOut(Schema):
    id: int
    customer_id: uuid.UUID
    kind: str = Field(description="access, rectification or erasure")
    status: str = Field(description="open or closed")
    created_at: dt.datetime
    jurisdiction: str = Field(description="The rule whose deadline applies (docs/dsr.md)")
    due_at: dt.datetime | None = Field(
        description="The first moment the answer is late; moves on while paused")
    days_left: int | None = Field(description="Days to the due day; negative once late")
    paused: bool
    extended: bool
    breached: bool


class FileIn(In):
    customer_id: uuid.UUID
    kind: str = Field(description="access, rectification or erasure")


class ExtendIn(In):
    reason: str = Field(min_length=1, max_length=1000)


def _out(r: requests.RequestRow) -> PrivacyRequestOut:
    return PrivacyRequestOut(id=r.id, customer_id=r.customer_id, kind=r.kind,
                             status=r.status, created_at=r.created_at,
                             jurisdiction=r.jurisdiction, due_at=r.due_at,
                             days_left=r.days_left, paused=r.paused, extended=r.extended,
                             breached=r.breached)


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
