"""Administrators' changes to jobs: retry from the dead-letter list, start a key
rotation. Audited in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.jobs import builtin
from trustdesk.jobs.registry import enqueue
from trustdesk.jobs.selectors import parse_id


def _locked(job_id) -> DBTaskResult:
    row = DBTaskResult.objects.select_for_update().filter(pk=parse_id(job_id)).first()
    if row is None:
        raise NotFound()
    return row


@transaction.atomic
def job_retry(*, actor: Actor, job_id) -> DBTaskResult:
    """Put a dead job back in the queue with a fresh set of attempts."""
    policy.require(actor, "jobs.manage")
    row = _locked(job_id)
    if row.status != "FAILED":
        raise Conflict("Only a failed job can be retried.")
    tried = len(row.worker_ids or [])
    row.status, row.run_after, row.worker_ids = "READY", timezone.now(), []
    row.finished_at = None
    row.save(update_fields=["status", "run_after", "worker_ids", "finished_at"])
    record(actor=actor, action="job.retry", object_type="job", object_id=row.pk,
           context={"task": row.task_path, "attempts": tried})
    return row


ROTATIONS = ("kek", "data")


@transaction.atomic
def keys_rotate_start(*, actor: Actor, kind: str):
    """Start a KEK or data-key rotation as a job (progress on the jobs page). One at a
    time: a rotation already queued or running is a conflict."""
    policy.require(actor, "keys.rotate")
    policy.require_reauthentication(actor)
    result = start_rotation(kind)
    record(actor=actor, action="keys.rotate_start", object_type="keys",
           context={"keys": kind, "job": str(result.id)})
    return result


def start_rotation(kind: str):
    """Enqueue a rotation, one at a time (a rotation already queued or running is a
    conflict). The caller checks its own permission and records the start: an admin
    with ``keys.rotate`` here, a security officer from an incident (grc/actions.py)."""
    if kind not in ROTATIONS:
        raise ValidationError("Rotate the KEK or the data keys.", field="kind")
    if DBTaskResult.objects.select_for_update().filter(
            task_path=builtin.rotate_keys.module_path,
            status__in=("READY", "RUNNING")).exists():
        raise Conflict("A key rotation is already queued or running.")
    return enqueue(builtin.rotate_keys, kind)
