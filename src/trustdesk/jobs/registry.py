"""Declaring jobs and schedules.

A job is a Django task (``django_tasks.task``) with a retry policy; a schedule names a
job and its period. Apps declare theirs in ``<app>/jobs.py``, imported when Django starts.

Job arguments are stored in the clear in the job table and shown to administrators, so
they must be identifiers — numbers, UUIDs, short names — never customer data: a job
looks up what it needs from the id, under the same vault and policy as everything else.
``enqueue`` refuses anything else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task

from trustdesk.core.errors import ValidationError

_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")


@dataclass(frozen=True)
class Retry:
    """``attempts`` in all (the first run included), waiting ``base`` seconds after the
    first failure, doubling each time up to ``cap``, with jitter so that many jobs
    failing together (the database restarting) do not all come back at once."""

    attempts: int = 5
    base: float = 10.0
    cap: float = 3600.0

    def delay(self, failures: int) -> float:
        full = min(self.cap, self.base * 2 ** max(failures - 1, 0))
        return full * (0.5 + random.random() / 2)


@dataclass(frozen=True)
class Schedule:
    """Run ``job`` once in every period of length ``every``; periods start at
    ``offset`` past the Unix epoch (UTC) — ``every=1 day, offset=3 h`` is 03:00 daily."""

    name: str
    job: Task
    every: dt.timedelta
    offset: dt.timedelta = dt.timedelta(0)

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the period ``now`` falls in."""
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + self.offset
        periods = (now - epoch) // self.every
        return epoch + periods * self.every


_RETRY: dict[str, Retry] = {}
_SCHEDULES: dict[str, Schedule] = {}
DEFAULT_RETRY = Retry()


def job(*, attempts: int = DEFAULT_RETRY.attempts, backoff: float = DEFAULT_RETRY.base,
        cap: float = DEFAULT_RETRY.cap, queue: str = "default", priority: int = 0,
        takes_context: bool = False) -> Callable[[Callable], Task]:
    """Declare a job: ``@job(attempts=3)`` over a function of identifiers. The function
    must be idempotent: a job may run again after a worker died in the middle of it."""
    if attempts < 1:
        raise ValueError("a job needs at least one attempt")

    def declare(func: Callable) -> Task:
        declared = task(func, queue_name=queue, priority=priority,
                        takes_context=takes_context)
        _RETRY[declared.module_path] = Retry(attempts=attempts, base=backoff, cap=cap)
        return declared

    return declare


def retry_for(task_path: str) -> Retry:
    if task_path not in _RETRY:
        # A job's policy is registered when its module is imported. A worker taking back
        # a job it has never run (``reclaim``) may not have imported it yet, and would
        # otherwise apply the default: five attempts to a job declared with one.
        # If the job's code is gone, the default policy, as before.
        with contextlib.suppress(Exception):
            import_string(task_path)
    return _RETRY.get(task_path, DEFAULT_RETRY)


def schedule(name: str, job_: Task, *, every: dt.timedelta,
             offset: dt.timedelta = dt.timedelta(0)) -> Schedule:
    if every < dt.timedelta(seconds=1):
        raise ValueError("a schedule's period is at least one second")
    declared = Schedule(name=name, job=job_, every=every, offset=offset)
    _SCHEDULES[name] = declared
    return declared


def schedules() -> list[Schedule]:
    return sorted(_SCHEDULES.values(), key=lambda s: s.name)


def _check_argument(value, where: str) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return
    raise ValidationError("Job arguments are identifiers, never data.", field=where)


def enqueue(job_: Task, *args, **kwargs):
    """Queue ``job_`` with identifier arguments, in the caller's transaction: the job
    exists if and only if the write that asked for it commits."""
    for i, value in enumerate(args):
        _check_argument(value, f"args[{i}]")
    for key, value in kwargs.items():
        _check_argument(value, key)
    return job_.enqueue(*args, **kwargs)
