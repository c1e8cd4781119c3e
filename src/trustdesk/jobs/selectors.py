"""Reading the job engine's state for the jobs page, the API and ``trustdesk jobs``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.jobs.models import JobProgress, WorkerBeat

STATUSES = ("READY", "RUNNING", "FAILED", "SUCCESSFUL")
# What the page calls them: a READY job is queued (or waiting for its next attempt).
LABELS = {"READY": "queued", "RUNNING": "running", "FAILED": "failed",
          "SUCCESSFUL": "done"}


@dataclass(frozen=True)
class JobView:
    id: str
    task: str
    status: str
    queue: str
    attempts: int
    enqueued_at: datetime
    run_after: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    traceback: str
    phase: str = ""
    done: int = 0
    total: int = 0

    @property
    def label(self) -> str:
        return LABELS.get(self.status, self.status.lower())

    @property
    def percent(self) -> int | None:
        return min(100, self.done * 100 // self.total) if self.total else None


def _view(row: DBTaskResult, progress: JobProgress | None) -> JobView:
    far = row.run_after.year >= 9999
    return JobView(
        id=str(row.pk), task=row.task_path, status=row.status, queue=row.queue_name,
        attempts=len(row.worker_ids or []), enqueued_at=row.enqueued_at,
        run_after=None if far else row.run_after, started_at=row.started_at,
        finished_at=row.finished_at, error=row.exception_class_path,
        traceback=row.traceback,
        phase=progress.phase if progress else "", done=progress.done if progress else 0,
        total=progress.total if progress else 0)


def parse_id(job_id) -> uuid.UUID:
    """A job's id, or ``NotFound`` for anything that is not one."""
    try:
        return uuid.UUID(str(job_id))
    except ValueError as exc:
        raise NotFound() from exc


def job_list(*, actor: Actor, status: str | None = None, limit: int = 100) -> list[JobView]:
    """The newest jobs, of one status or all. Job arguments are identifiers only
    (registry.enqueue), and the stored failure holds no exception message
    (failures.describe): nothing here is customer data."""
    policy.require(actor, "jobs.view")
    rows = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        if status not in STATUSES:
            raise ValidationError("Unknown job status.", field="status")
        rows = rows.filter(status=status)
    rows = list(rows[:max(1, min(limit, 500))])
    progress = JobProgress.objects.in_bulk([r.pk for r in rows])
    return [_view(r, progress.get(r.pk)) for r in rows]


def job_get(*, actor: Actor, job_id) -> JobView:
    policy.require(actor, "jobs.view")
    row = DBTaskResult.objects.filter(pk=parse_id(job_id)).first()
    if row is None:
        raise NotFound()
    return _view(row, JobProgress.objects.filter(pk=row.pk).first())


def job_counts(*, actor: Actor) -> dict[str, int]:
    policy.require(actor, "jobs.view")
    counts = dict.fromkeys(STATUSES, 0)
    for row in DBTaskResult.objects.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def workers(*, actor: Actor) -> list[WorkerBeat]:
    policy.require(actor, "jobs.view")
    return list(WorkerBeat.objects.filter(stopped_at__isnull=True).order_by("-seen_at")[:50])
