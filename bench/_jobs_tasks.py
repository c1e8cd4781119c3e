"""The job benchmark's TrustDesk jobs (``bench/jobs.py``): each leaves a mark in the data
directory, so that the benchmark can count what ran, in which process, how often."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from trustdesk.jobs.registry import job


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "marks"
    folder.mkdir(exist_ok=True)
    return folder


def marks(name: str) -> list[str]:
    path = _folder() / name
    return path.read_text().split() if path.exists() else []


def _mark(name: str, what: str) -> None:
    with open(_folder() / name, "a") as f:
        f.write(what + "\n")


@job(attempts=3, backoff=0.01)
def noop() -> None:
    return None


@job(attempts=3, backoff=0.01)
def mark(name: str) -> None:
    _mark(name, "ran")


@job(attempts=3, backoff=0.01)
def slow(name: str, millis: int) -> None:
    _mark(name, "started")
    time.sleep(millis / 1000)
    _mark(name, "done")


@job(attempts=1, takes_context=True)
def tick(context) -> None:
    """The schedule benchmark's job: its own id, to be matched with its period's slot."""
    _mark("tick", str(context.task_result.id))
