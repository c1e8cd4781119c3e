"""Worker processes on the test database: jobs run once across several workers, a job
whose worker is killed (-9) mid-way is finished by another, SIGTERM lets the current job
finish, and the schedules are enqueued once however many workers tick."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

import sample_jobs
from helpers import server_env
from trustdesk.jobs import registry
from trustdesk.jobs.models import ScheduleSlot, WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)
TESTS = str(Path(__file__).resolve().parent.parent)


def _worker(name: str, *, lease: int = 2, schedules: bool = False) -> subprocess.Popen:
    env = server_env(TRUSTDESK_JOBS_LEASE_SECONDS=str(lease))
    env["PYTHONPATH"] = os.pathsep.join([TESTS, env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-m", "trustdesk.config.cli", "worker", "--interval", "0.1",
           "--worker-id", name]
    if not schedules:
        cmd.append("--no-schedules")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _until(condition, seconds: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _slow_seconds(value: float) -> None:
    Path(settings.DATA_DIR, "slow-seconds").write_text(str(value))


def test_two_workers_run_each_job_exactly_once():
    ids = [registry.enqueue(sample_jobs.note, f"job-{i}").id for i in range(30)]
    a, b = _worker("worker-a"), _worker("worker-b")
    try:
        _until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 30,
               60, "30 jobs")
    finally:
        _stop(a, b)
    for i in range(30):
        assert sample_jobs.marks(f"job-{i}") == ["ran"], i
    rows = DBTaskResult.objects.filter(pk__in=ids)
    assert all(len(r.worker_ids) == 1 for r in rows)


def test_a_job_survives_its_worker_being_killed():
    _slow_seconds(60)
    job_id = registry.enqueue(sample_jobs.slow, "victim").id
    first = _worker("doomed")
    try:
        _until(lambda: sample_jobs.marks("victim") == ["started"], 30, "the job to start")
        assert DBTaskResult.objects.get(pk=job_id).status == "RUNNING"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    _slow_seconds(0.1)
    second = _worker("rescuer")
    try:
        _until(lambda: DBTaskResult.objects.get(pk=job_id).status == "SUCCESSFUL", 60,
               "the job to be taken back and finished")
    finally:
        _stop(second)
    row = DBTaskResult.objects.get(pk=job_id)
    assert row.worker_ids == ["doomed", "rescuer"]
    assert sample_jobs.marks("victim") == ["started", "started", "done"]


def test_sigterm_lets_the_current_job_finish():
    _slow_seconds(2)
    job_id = registry.enqueue(sample_jobs.slow, "graceful").id
    proc = _worker("graceful")
    try:
        _until(lambda: sample_jobs.marks("graceful") == ["started"], 30, "the job to start")
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    finally:
        _stop(proc)
    assert DBTaskResult.objects.get(pk=job_id).status == "SUCCESSFUL"
    assert sample_jobs.marks("graceful") == ["started", "done"]
    assert WorkerBeat.objects.get(pk="graceful").stopped_at is not None


def test_schedules_are_enqueued_once_across_workers():
    procs = [_worker(f"sched-{i}", schedules=True) for i in range(3)]
    try:
        _until(lambda: WorkerBeat.objects.filter(worker_id__startswith="sched-").count() == 3,
               30, "three workers")
        _until(lambda: ScheduleSlot.objects.filter(name="audit.checkpoint").exists(), 30,
               "the first tick")
        time.sleep(2)  # every worker has ticked several times by now
    finally:
        _stop(*procs)
    for name in ("audit.checkpoint", "keys.rotation_reminder", "sessions.cleanup",
                 "jobs.prune"):
        assert ScheduleSlot.objects.filter(name=name).count() == 1, name
    assert DBTaskResult.objects.filter(
        task_path="trustdesk.jobs.builtin.audit_checkpoint").count() == 1
