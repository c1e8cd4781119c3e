"""Retention enforcement (docs/privacy.md): the preview of the next run and its approval
(``retention.view``, ``retention.run``: approving needs a console session re-authenticated
in the last minutes, a bearer token never is), the runs and their progress, legal holds
(``legal_hold.manage`` to set and release). Counts and ids only, never values."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.retention import holds, selectors, services

router = Router(tags=["privacy"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class Counts(Schema):
    fields: dict[str, int] = Field(description="Field rows, per inventory field")
    customers: int = Field(description="Customers crypto-shredded (nothing left to keep)")
    tickets: int
    messages: int = Field(description="Messages that go with those tickets")


class RunOut(Schema):
    id: int
    status: str = Field(description="proposed, approved, running, done or superseded")
    as_of: dt.datetime = Field(description="What was due at this instant is deleted")
    created_at: dt.datetime
    proposed_by: str
    approved_by: str
    approved_at: dt.datetime | None
    auto: bool
    preview: Counts
    done: Counts
    phase: str = Field(description="fields, customers, tickets or finished")
    batches: int
    finished_at: dt.datetime | None


class HoldIn(In):
    customer_id: uuid.UUID
    ticket_id: int | None = Field(default=None, description="Hold one ticket only")
    reason: str = Field(min_length=1, max_length=500)


class HoldOut(Schema):
    id: int
    customer_id: uuid.UUID
    ticket_id: int | None
    reason: str
    set_by: str
    set_at: dt.datetime
    released_at: dt.datetime | None
    released_by: str


class HoldQuery(Schema):
    released: bool = Field(default=False, description="Include released holds")


def _counts(raw: dict) -> Counts:
    return Counts(fields=raw.get("fields", {}), customers=raw.get("customers", 0),
                  tickets=raw.get("tickets", 0), messages=raw.get("messages", 0))


def _run(run) -> RunOut:
    return RunOut(id=run.pk, status=run.status, as_of=run.as_of, created_at=run.created_at,
                  proposed_by=run.proposed_by, approved_by=run.approved_by,
                  approved_at=run.approved_at, auto=run.auto, preview=_counts(run.preview),
                  done=_counts(run.done), phase=run.phase, batches=run.batches,
                  finished_at=run.finished_at)


def _hold(h) -> HoldOut:
    return HoldOut(id=h.pk, customer_id=h.customer_id, ticket_id=h.ticket_id, reason=h.reason,
                   set_by=h.set_by, set_at=h.set_at, released_at=h.released_at,
                   released_by=h.released_by)


@router.post("/privacy/retention/preview", response={201: RunOut, **ERRORS})
def retention_preview(request):
    """Count what a run as of now would delete; recorded as a proposed run to approve."""
    return Status(201, _run(services.preview(actor=actor(request))))


@router.get("/privacy/retention/runs", response={200: list[RunOut], **ERRORS})
def retention_runs(request, limit: int = 20):
    return [_run(r) for r in selectors.run_list(actor=actor(request), limit=limit)]


@router.get("/privacy/retention/runs/{run_id}", response={200: RunOut, **ERRORS})
def retention_run(request, run_id: int):
    """A run's status: its phase and what it deleted so far, beside its preview."""
    return _run(selectors.run_get(actor=actor(request), run_id=run_id))


@router.post("/privacy/retention/runs/{run_id}/approve", response={200: RunOut, **ERRORS})
def retention_approve(request, run_id: int):
    """Approve the latest preview (409 otherwise, or while another run is under way)."""
    return _run(services.approve(actor=actor(request), run_id=run_id))


@router.get("/privacy/holds", response={200: list[HoldOut], **ERRORS})
def hold_list(request, query: Query[HoldQuery]):
    return [_hold(h) for h in selectors.hold_list(actor=actor(request),
                                                  include_released=query.released)]


@router.post("/privacy/holds", response={201: HoldOut, **ERRORS})
def hold_set(request, payload: HoldIn):
    return Status(201, _hold(holds.hold_set(
        actor=actor(request), customer_id=payload.customer_id, ticket_id=payload.ticket_id,
        reason=payload.reason)))


@router.post("/privacy/holds/{hold_id}/release", response={200: HoldOut, **ERRORS})
def hold_release(request, hold_id: int):
    return _hold(holds.hold_release(actor=actor(request), hold_id=hold_id))
