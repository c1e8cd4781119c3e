"""Progress of a long job, for the jobs page: ``reporter(context)`` gives a job the
``(phase, done, total)`` callback that the key rotation already takes."""

from __future__ import annotations

import time
from collections.abc import Callable

from trustdesk.jobs.models import JobProgress

# A rotation reports every key; the page needs a figure every second or so.
_EVERY = 0.5


def reporter(context) -> Callable[[str, int, int], None]:
    job_id = context.task_result.id
    last = [0.0]

    def report(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < _EVERY and done != total:
            return
        last[0] = now
        JobProgress.objects.update_or_create(
            job_id=job_id, defaults={"phase": phase[:64], "done": done, "total": total})

    return report
