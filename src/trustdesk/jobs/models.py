"""What the job engine's own table (``django_tasks_db.DBTaskResult``) does not hold:
which workers are alive, which schedule periods have been enqueued, and the progress of
long jobs."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """A worker process, and when it last said it was alive. A job claimed by a worker
    whose beat is older than the lease is taken back (docs/jobs.md)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"


class ScheduleSlot(models.Model):
    """One period of one schedule, enqueued once. The unique constraint is what makes
    a schedule run once per period however many workers race for it: the winner's insert
    and its job's enqueue commit together; the others' inserts fail."""

    name = models.CharField(max_length=64)
    slot = models.DateTimeField()
    job_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"],
                                               name="jobs_one_run_per_period")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M:%S}"


class JobProgress(models.Model):
    """How far a long job (a key rotation) has got: written by the job as it works."""

    job_id = models.UUIDField(primary_key=True)
    phase = models.CharField(max_length=64, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.job_id}: {self.phase} {self.done}/{self.total}"
