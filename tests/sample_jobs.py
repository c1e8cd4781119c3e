"""Jobs for the job-engine tests: each leaves a mark in the data directory, so that a
test (or a worker in another process) can tell what ran, and how often."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from trustdesk.core.errors import ValidationError
from trustdesk.jobs.registry import job


def marks(name: str) -> list[str]:
    path = Path(settings.DATA_DIR) / "marks" / name
    return path.read_text().split() if path.exists() else []


def _mark(name: str, what: str = "ran") -> int:
    folder = Path(settings.DATA_DIR) / "marks"
    folder.mkdir(exist_ok=True)
    with open(folder / name, "a") as f:
        f.write(what + "\n")
    return len(marks(name))


@job(attempts=3, backoff=0.01)
def note(name: str) -> str:
    _mark(name)
    return name


# Long enough a wait that one pass of the worker does not take the retry at once.
@job(attempts=3, backoff=0.5)
def flaky(name: str) -> int:
    runs = _mark(name)
    if runs < 3:
        # A message with data in it: it must not reach the job table.
        raise RuntimeError("could not charge card 4111 1111 1111 1111")
    return runs


@job(attempts=2, backoff=0.01)
def broken(name: str) -> None:
    _mark(name)
    raise RuntimeError("SSN 536-22-8726 rejected")


@job(attempts=5, backoff=0.01)
def refuses(name: str) -> None:
    _mark(name)
    raise ValidationError("That input will never do.")


@job(attempts=3, backoff=0.01)
def slow(name: str) -> str:
    _mark(name, "started")
    time.sleep(float(settings.DATA_DIR.joinpath("slow-seconds").read_text())
               if settings.DATA_DIR.joinpath("slow-seconds").exists() else 30)
    _mark(name, "done")
    return name
