"""What happens to a job when it ends: success, another attempt later, or the
dead-letter list.

Every change of a claimed job is a compare-and-set on (status RUNNING, started_at): the
claim writes a fresh ``started_at``, so a worker that was presumed dead and comes back
cannot overwrite what the job became meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.jobs import failures
from trustdesk.jobs.registry import retry_for

log = logging.getLogger("trustdesk.jobs")
RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"
SYSTEM = Actor.system("jobs")


def attempts(row: DBTaskResult) -> int:
    """Each claim appends the claiming worker: the number of attempts so far."""
    return len(row.worker_ids or [])


def _claimed(row: DBTaskResult):
    return DBTaskResult.objects.filter(pk=row.pk, status=RUNNING, started_at=row.started_at)


def succeeded(row: DBTaskResult, value) -> bool:
    """Record success, unless the job was taken back meanwhile (this worker was presumed
    dead): then another attempt owns it, and this result is dropped (the job is
    idempotent, so either attempt's effect is the job's)."""
    moved = _claimed(row).update(status="SUCCESSFUL", finished_at=timezone.now(),
                                 return_value=value, exception_class_path="", traceback="")
    if not moved:
        log.warning("job %s (%s) finished after it was taken back; result dropped", row.pk,
                    row.task_path)
    return bool(moved)


def failed(row: DBTaskResult, exc: BaseException) -> str:
    """Record a failed attempt; returns ``"retry"``, ``"dead"`` or ``"moved"`` (another
    process settled the job first)."""
    policy = retry_for(row.task_path)
    tried = attempts(row)
    now = timezone.now()
    fields = {"exception_class_path": failures.exception_path(exc),
              "traceback": failures.describe(exc)}
    with transaction.atomic():
        if tried < policy.attempts and not failures.permanent(exc):
            later = now + dt.timedelta(seconds=policy.delay(tried))
            moved = _claimed(row).update(status=READY, run_after=later, **fields)
            outcome = "retry"
        else:
            moved = _claimed(row).update(status=FAILED, finished_at=now, **fields)
            outcome = "dead"
            if moved:
                # In the job's own transaction: no job reaches the dead-letter list
                # unrecorded. The task's path and the attempts; never its arguments.
                record(actor=SYSTEM, action="job.dead", object_type="job", object_id=row.pk,
                       context={"task": row.task_path, "attempts": tried,
                                "error": fields["exception_class_path"]})
    if not moved:
        return "moved"
    log.warning("job %s (%s) failed on attempt %d: %s; %s", row.pk, row.task_path, tried,
                fields["exception_class_path"], outcome)
    return outcome
