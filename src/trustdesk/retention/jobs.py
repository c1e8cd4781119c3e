"""Retention's schedule: every hour, one bounded batch of the approved run (docs/privacy.md).
A large backlog is worked off batch by batch; the batches of one run are pinned to its
``as_of``, so a run spread over hours deletes exactly what its preview counted."""

from __future__ import annotations

import datetime as dt

from trustdesk.jobs.registry import job, schedule


@job(attempts=3, backoff=300)
def retention_run() -> int:
    """Idempotent: a batch resumes at the run's committed cursor."""
    from trustdesk.retention import services

    return services.run_next().objects


schedule("privacy.retention", retention_run, every=dt.timedelta(hours=1),
         offset=dt.timedelta(minutes=41))
