"""``trustdesk worker``: runs jobs from the database, as many processes as wanted on as
many machines.

The engine's own worker (``django_tasks_db``'s ``db_worker``) claims a job by locking its
row (``SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite) and marking it
RUNNING; that part is reused as is. Around it this worker adds what the engine leaves
out: a heartbeat, so that a job whose worker died mid-way is taken back (``reclaim``);
retries with backoff and the dead-letter list (``outcomes``); the periodic schedules
(``scheduling``); and the audit chainer thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import OperationalError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskContext, normalize_json, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as EngineWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from trustdesk.jobs import failures, outcomes, scheduling
from trustdesk.jobs.models import WorkerBeat

log = logging.getLogger("trustdesk.jobs")


def reclaim(lease: float) -> int:
    """Take back every job claimed by a worker that has not beaten within ``lease``
    seconds: it counts as a failed attempt (retried, or dead once attempts run out, so
    that a job that kills its worker every time cannot loop for ever)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=lease)
    alive = set(WorkerBeat.objects.filter(seen_at__gte=cutoff, stopped_at__isnull=True)
                .values_list("worker_id", flat=True))
    taken = 0
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        owner = row.worker_ids[-1] if row.worker_ids else None
        if owner in alive:
            continue
        if outcomes.failed(row, failures.WorkerLost()) != "moved":
            taken += 1
    return taken


class Worker(EngineWorker):
    def __init__(self, *, lease: float = 60.0, schedules: bool = True, chainer: bool = True,
                 queue_names=("*",), interval: float = 1.0, batch: bool = False,
                 max_tasks: int | None = None, worker_id: str | None = None):
        super().__init__(queue_names=list(queue_names), interval=interval, batch=batch,
                         backend_name="default", startup_delay=not batch,
                         max_tasks=max_tasks, excluded_queue_names=[],
                         worker_id=worker_id or get_random_string(32))
        self.lease = lease
        self.schedules = schedules
        self.chainer = chainer
        self._stop = threading.Event()
        self._last_reclaim = 0.0
        # A long-running worker drops dead database connections between jobs, as Django
        # does between requests; run in a caller's process it uses the caller's.
        self.recycle = not batch

    # -- heartbeat ---------------------------------------------------------------
    def _beat_once(self) -> None:
        if not WorkerBeat.objects.filter(pk=self.worker_id).update(seen_at=timezone.now()):
            self._register()  # our row was pruned or wiped: say again who we are

    def _beat_loop(self) -> None:
        # Its own thread, so that a long job does not look like a dead worker.
        while not self._stop.wait(max(self.lease / 4, 0.2)):
            try:
                self._beat_once()
            except Exception:  # a missed beat is survivable; the next one may get through
                log.exception("worker heartbeat failed")
            finally:
                connections.close_all()

    def _register(self) -> None:
        now = timezone.now()
        WorkerBeat.objects.update_or_create(pk=self.worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now,
            "seen_at": now, "stopped_at": None})

    # -- the loop ------------------------------------------------------------------
    def _housekeeping(self) -> None:
        if self.schedules:
            scheduling.tick()
        now = time.monotonic()
        if now - self._last_reclaim >= max(self.lease / 4, 0.2):
            self._last_reclaim = now
            reclaim(self.lease)

    def _claim(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(tasks.db):
                row = tasks.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
                return row, True
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None, False
            raise

    def run(self) -> None:
        self._register()
        beat = threading.Thread(target=self._beat_loop, name="jobs-heartbeat", daemon=True)
        beat.start()
        if self.chainer:
            from trustdesk.audit import chain

            chain.start_background()
        log.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        try:
            self._loop()
        finally:
            self._stop.set()
            try:
                WorkerBeat.objects.filter(pk=self.worker_id).update(stopped_at=timezone.now())
            except Exception:
                log.exception("could not record the worker's stop")

    def _loop(self) -> None:
        while self.running:
            if self.recycle:
                close_old_connections()
            try:
                self._housekeeping()
            except OperationalError:
                log.exception("job housekeeping failed; retrying")
            row, asked = self._claim()
            if row is not None:
                self.run_task(row)
            elif self.batch and asked:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.recycle:
                close_old_connections()
            if self.running and row is None:
                time.sleep(self.interval)

    def run_task(self, row: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = row.task
            result = row.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            depth = len(transaction.get_connection().savepoint_ids)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args,
                                  **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            if len(transaction.get_connection().savepoint_ids) != depth:
                raise RuntimeError("a job left a transaction open")
            if outcomes.succeeded(row, normalize_json(value)):
                row.refresh_from_db()
                task_finished.send(sender=type(task.get_backend()),
                                   task_result=row.task_result)
        except BaseException as exc:
            outcomes.failed(row, exc)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
        finally:
            self.running_task = False
            self._run_tasks += 1


def run_pending(*, lease: float = 60.0, schedules: bool = False) -> int:
    """Run every job that is ready now, in this process, then return how many ran (the
    tests' and ``trustdesk worker --batch``'s way)."""
    worker = Worker(batch=True, interval=0, lease=lease, schedules=schedules, chainer=False)
    worker._register()
    try:
        worker._loop()
    finally:
        WorkerBeat.objects.filter(pk=worker.worker_id).update(stopped_at=timezone.now())
    return worker._run_tasks
