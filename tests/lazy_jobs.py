"""A job module that no app imports at start-up: a worker learns of it only when it
meets one of its jobs (tests/jobs/test_engine.py)."""

from __future__ import annotations

from trustdesk.jobs.registry import job


@job(attempts=1)
def once(name: str) -> str:
    return name
