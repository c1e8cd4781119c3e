"""Fulfilment's schedule: every hour, the copies that can no longer be fetched (expired,
claimed but never finished, or of a customer since erased) are shredded and deleted."""

from __future__ import annotations

import datetime as dt

from trustdesk.jobs.registry import job, schedule


@job(attempts=3, backoff=300)
def export_cleanup() -> int:
    """Idempotent: a removed export is skipped, a failed removal is tried next time."""
    from trustdesk.dsr.export_download import remove_stale

    return remove_stale()


schedule("dsr.export_cleanup", export_cleanup, every=dt.timedelta(hours=1),
         offset=dt.timedelta(minutes=17))
