"""The schedules of the layers below the job engine (the audit trail, the vault), which
cannot import it themselves; apps above declare theirs in their own ``jobs.py``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from trustdesk.access.services import alert_key_rotation_due
from trustdesk.audit import chain
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.jobs.models import JobProgress, ScheduleSlot, WorkerBeat
from trustdesk.jobs.progress import reporter
from trustdesk.jobs.registry import job, schedule
from trustdesk.vault import rotation

MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)


@job(attempts=3, backoff=5)
def audit_chain() -> int:
    """Link pending audit events into the chain. Every worker's chainer thread does this
    within a second of a commit; the schedule is the backstop."""
    return chain.chain_pending()


@job(attempts=5, backoff=30)
def audit_checkpoint() -> int | None:
    """Sign a checkpoint of the chain's head (docs/audit.md)."""
    checkpoint = chain.checkpoint_now()
    return checkpoint.seq if checkpoint else None


@job(attempts=3, backoff=60)
def key_rotation_reminder() -> list[str]:
    """Alert security officers when a KEK or the data keys are past their cryptoperiod."""
    status = rotation.status(kek_days=settings.VAULT_KEK_CRYPTOPERIOD_DAYS,
                             data_days=settings.VAULT_DATA_KEY_CRYPTOPERIOD_DAYS)
    now, raised = clock.now(), []
    actor = Actor.system("key rotation reminder")
    with transaction.atomic():
        for which, due in (("kek", status.kek_due), ("data", status.data_keys_due)):
            if due and due <= now and alert_key_rotation_due(actor=actor, which=which,
                                                             due=due):
                record(actor=actor, action="keys.rotation_due", object_type="keys",
                       context={"keys": which, "due": due.isoformat()})
                raised.append(which)
    return raised


@job(attempts=3, backoff=60, takes_context=True)
def rotate_keys(context, kind: str) -> dict:
    """A KEK rotation (``kind="kek"``) or a data-key rotation (``"data"``), with progress
    on the jobs page. Both rotations resume where they stopped, so a retry after a
    crash finishes the work instead of starting over."""
    report = reporter(context)
    if kind == "data":
        result = rotation.rotate_data(progress=report)
    else:
        result = rotation.rotate_kek(progress=report)
    with transaction.atomic():
        record(actor=Actor.system("keys rotate"),
               action="keys.rotate_data" if kind == "data" else "keys.rotate_kek",
               object_type="keys", context={
                   "rewrapped": result.rewrapped, "customers": result.subjects,
                   "resealed": result.resealed, "destroyed": result.destroyed,
                   "interrupted": result.interrupted, "job": str(context.task_result.id)})
    return {"rewrapped": result.rewrapped, "resealed": result.resealed,
            "customers": result.subjects}


@job(attempts=3, backoff=60)
def prune_jobs() -> int:
    """Forget finished jobs after ``TRUSTDESK_JOBS_KEEP_DAYS`` (the dead-letter list
    after ``TRUSTDESK_JOBS_DEAD_KEEP_DAYS``), and the schedules' old periods."""
    now = clock.now()
    done = now - dt.timedelta(days=settings.JOBS_KEEP_DAYS)
    dead = now - dt.timedelta(days=settings.JOBS_DEAD_KEEP_DAYS)
    gone, _ = DBTaskResult.objects.filter(status="SUCCESSFUL", finished_at__lt=done).delete()
    dead_gone, _ = DBTaskResult.objects.filter(status="FAILED", finished_at__lt=dead).delete()
    ScheduleSlot.objects.filter(created_at__lt=done).delete()
    WorkerBeat.objects.filter(seen_at__lt=now - DAY).delete()
    JobProgress.objects.exclude(job_id__in=DBTaskResult.objects.values("id")).delete()
    return gone + dead_gone


schedule("audit.chain", audit_chain, every=MINUTE)
schedule("audit.checkpoint", audit_checkpoint, every=HOUR)
schedule("keys.rotation_reminder", key_rotation_reminder, every=DAY, offset=8 * HOUR)
schedule("jobs.prune", prune_jobs, every=DAY, offset=3 * HOUR)
