"""The job engine in one process: retries with backoff, the dead-letter list, what a
failure leaves behind, identifier-only arguments, schedules once per period."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

import sample_jobs
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import ValidationError
from trustdesk.jobs import registry, scheduling
from trustdesk.jobs.models import ScheduleSlot, WorkerBeat
from trustdesk.jobs.worker import reclaim, run_pending

pytestmark = pytest.mark.django_db


def _drain(seconds: float = 5.0) -> None:
    """Run jobs until none is queued (waiting out their short backoffs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run_pending()
        if not DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).exists():
            return
        time.sleep(0.02)
    raise AssertionError("jobs still queued")


def test_a_job_runs_once_and_succeeds():
    result = registry.enqueue(sample_jobs.note, "first")
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    _drain()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value == "first"
    assert sample_jobs.marks("first") == ["ran"]
    run_pending()  # nothing left: it does not run again
    assert sample_jobs.marks("first") == ["ran"]


def test_a_failing_job_is_retried_with_backoff_then_succeeds():
    result = registry.enqueue(sample_jobs.flaky, "flaky")
    run_pending()
    row = DBTaskResult.objects.get(pk=result.id)
    # Back in the queue, not before its backoff has passed.
    assert row.status == "READY" and len(row.worker_ids) == 1
    assert row.run_after > row.started_at
    _drain()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == 3
    assert len(row.worker_ids) == 3


def test_backoff_doubles_up_to_the_cap():
    policy = registry.Retry(attempts=10, base=10, cap=60)
    delays = [policy.delay(n) for n in (1, 2, 3, 4, 5)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and 20 <= delays[2] <= 40
    assert all(30 <= d <= 60 for d in delays[3:])


def test_a_job_that_keeps_failing_lands_in_the_dead_letter_list_audited():
    result = registry.enqueue(sample_jobs.broken, "broken")
    _drain()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and len(row.worker_ids) == 2
    assert sample_jobs.marks("broken") == ["ran", "ran"]
    event = AuditEvent.objects.get(action="job.dead", object_id=str(result.id))
    assert event.context["task"] == "sample_jobs.broken" and event.context["attempts"] == 2
    # Where it failed, never what it held.
    assert row.exception_class_path == "builtins.RuntimeError"
    assert "sample_jobs.py" in row.traceback and "in broken" in row.traceback
    assert "536-22-8726" not in row.traceback and "SSN" not in row.traceback


def test_a_permanent_failure_is_not_retried():
    result = registry.enqueue(sample_jobs.refuses, "refuses")
    _drain()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and sample_jobs.marks("refuses") == ["ran"]
    assert "[invalid]: That input will never do." in row.traceback


def test_the_message_of_a_retried_failure_is_not_kept_either():
    result = registry.enqueue(sample_jobs.flaky, "flaky2")
    run_pending()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.exception_class_path == "builtins.RuntimeError"
    assert "4111" not in row.traceback and "card" not in row.traceback


@pytest.mark.parametrize("bad", ["jane@example.com", "a b", "x" * 65, 1.5, {"a": 1}, ["x"]])
def test_job_arguments_are_identifiers_never_data(bad):
    with pytest.raises(ValidationError):
        registry.enqueue(sample_jobs.note, bad)
    with pytest.raises(ValidationError):
        registry.enqueue(sample_jobs.note, name=bad)
    assert not DBTaskResult.objects.exists()


def test_enqueue_belongs_to_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        registry.enqueue(sample_jobs.note, "rolled-back")
        raise RuntimeError("the write failed")
    assert not DBTaskResult.objects.exists()


def test_a_job_whose_worker_stopped_beating_is_taken_back():
    result = registry.enqueue(sample_jobs.note, "orphan")
    row = DBTaskResult.objects.get(pk=result.id)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    WorkerBeat.objects.create(worker_id="gone", host="h", pid=1, started_at=long_ago,
                              seen_at=long_ago)
    row.claim("gone")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=long_ago)
    # A live worker's job is left alone.
    live = DBTaskResult.objects.get(pk=registry.enqueue(sample_jobs.note, "alive").id)
    WorkerBeat.objects.create(worker_id="alive", host="h", pid=2, started_at=long_ago,
                              seen_at=dt.datetime.now(dt.UTC))
    live.claim("alive")
    DBTaskResult.objects.filter(pk=live.pk).update(started_at=long_ago)
    assert reclaim(lease=60) == 1
    row.refresh_from_db()
    assert row.status == "READY" and row.exception_class_path.endswith("WorkerLost")
    assert DBTaskResult.objects.get(pk=live.pk).status == "RUNNING"
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=dt.datetime.now(dt.UTC))
    run_pending()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.worker_ids[0] == "gone"


def test_a_job_taken_back_keeps_its_own_retry_policy_in_a_worker_that_never_ran_it(
        monkeypatch):
    import sys

    import lazy_jobs

    result = registry.enqueue(lazy_jobs.once, "taken-back")
    row = DBTaskResult.objects.get(pk=result.id)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    WorkerBeat.objects.create(worker_id="gone", host="h", pid=1, started_at=long_ago,
                              seen_at=long_ago)
    row.claim("gone")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=long_ago)
    # The reclaiming worker is a fresh process: it has not imported the job's module.
    monkeypatch.delitem(sys.modules, "lazy_jobs")
    monkeypatch.delitem(registry._RETRY, lazy_jobs.once.module_path)
    reclaim(lease=60)
    row.refresh_from_db()
    # One attempt declared, one made: dead, not retried under the default policy.
    assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerLost")
    assert AuditEvent.objects.filter(action="job.dead", object_id=str(row.pk)).exists()


def test_a_schedule_runs_once_per_period():
    scheduling.forget()
    noon = dt.datetime(2026, 12, 2, 12, 0, 30, tzinfo=dt.UTC)
    first = scheduling.tick(noon)
    assert "audit.checkpoint" in first and "sessions.cleanup" in first
    scheduling.forget()  # as if another worker, with no memory of this one's
    assert scheduling.tick(noon + dt.timedelta(seconds=20)) == []
    assert ScheduleSlot.objects.filter(name="audit.checkpoint").count() == 1
    later = scheduling.tick(noon + dt.timedelta(hours=1))
    assert "audit.checkpoint" in later and "keys.rotation_reminder" not in later
    assert ScheduleSlot.objects.filter(name="audit.checkpoint").count() == 2
    jobs = DBTaskResult.objects.filter(task_path="trustdesk.jobs.builtin.audit_checkpoint")
    assert jobs.count() == 2


def test_schedule_periods_follow_the_offset():
    daily = registry.Schedule(name="x", job=sample_jobs.note, every=dt.timedelta(days=1),
                              offset=dt.timedelta(hours=3))
    at = dt.datetime(2026, 12, 2, 2, 59, tzinfo=dt.UTC)
    assert daily.slot(at) == dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    assert daily.slot(at + dt.timedelta(minutes=1)) == dt.datetime(2026, 12, 2, 3, 0,
                                                                   tzinfo=dt.UTC)


def test_the_builtin_schedules_run():
    scheduling.forget()
    scheduling.tick()
    _drain(20)
    rows = DBTaskResult.objects.all()
    assert rows.count() >= 5
    assert set(rows.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_worker_presumed_dead_cannot_overwrite_what_the_job_became():
    from trustdesk.jobs import outcomes

    result = registry.enqueue(sample_jobs.note, "late")
    row = DBTaskResult.objects.get(pk=result.id)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    row.claim("slowpoke")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=long_ago)
    row.started_at = long_ago
    assert reclaim(lease=60) == 1  # never beat: taken back
    assert outcomes.succeeded(row, "late") is False
    assert outcomes.failed(row, RuntimeError("late")) == "moved"
    assert DBTaskResult.objects.get(pk=row.pk).status == "READY"
