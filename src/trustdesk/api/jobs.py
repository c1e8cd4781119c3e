"""Background jobs (``jobs.view``): the newest jobs, one job, retrying a failed one
(``jobs.manage``); starting a key rotation as a job (``keys.rotate``, console session
re-authenticated: a bearer token never is)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.jobs import selectors, services

router = Router(tags=["jobs"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class JobOut(Schema):
    id: str
    task: str
    status: str = Field(description="queued, running, failed or done")
    queue: str
    attempts: int
    enqueued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    run_after: dt.datetime | None = Field(description="A queued retry waits until then")
    error: str = Field(description="The exception's class; its message is never kept")
    phase: str
    done: int
    total: int


class JobQuery(Schema):
    status: Literal["queued", "running", "failed", "done"] | None = None
    limit: int = Field(default=50, ge=1, le=500)


_STATUS = {label: status for status, label in selectors.LABELS.items()}


def _out(job: selectors.JobView) -> JobOut:
    return JobOut(id=job.id, task=job.task, status=job.label, queue=job.queue,
                  attempts=job.attempts, enqueued_at=job.enqueued_at,
                  started_at=job.started_at, finished_at=job.finished_at,
                  run_after=job.run_after, error=job.error, phase=job.phase, done=job.done,
                  total=job.total)


@router.get("/jobs", response={200: list[JobOut], **ERRORS})
def job_list(request, query: Query[JobQuery]):
    """The newest jobs, of one status or all."""
    return [_out(j) for j in selectors.job_list(
        actor=actor(request), status=_STATUS.get(query.status), limit=query.limit)]


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS})
def job_get(request, job_id: uuid.UUID):
    return _out(selectors.job_get(actor=actor(request), job_id=job_id))


@router.post("/jobs/{job_id}/retry", response={200: JobOut, **ERRORS})
def job_retry(request, job_id: uuid.UUID):
    """Put a failed job back in the queue with a fresh set of attempts (409 unless it
    failed). Recorded (``job.retry``)."""
    a = actor(request)
    services.job_retry(actor=a, job_id=job_id)
    return _out(selectors.job_get(actor=a, job_id=job_id))


class RotateIn(Schema):
    kind: Literal["kek", "data"]


@router.post("/keys/rotate", response={202: JobOut, **ERRORS})
def keys_rotate(request, body: RotateIn):
    """Start a rotation of the KEK or of the data keys as a job (409 if one is already
    queued or running). Recorded (``keys.rotate_start``)."""
    a = actor(request)
    result = services.keys_rotate_start(actor=a, kind=body.kind)
    return 202, _out(selectors.job_get(actor=a, job_id=result.id))
