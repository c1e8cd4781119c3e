"""Periodic schedules, enqueued once per period however many workers run.

Every worker ticks; for each schedule whose current period has no slot yet, it inserts
the slot and enqueues the job in one transaction. Two workers racing for the same period
both try; the unique constraint lets one commit and rolls the other back, job included.
A period missed while no worker ran is caught up once when one starts (the current
period only: a week offline does not queue a week of checkpoints).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from trustdesk.core import clock
from trustdesk.jobs.models import ScheduleSlot
from trustdesk.jobs.registry import schedules

log = logging.getLogger("trustdesk.jobs")
# Per process: the last period seen enqueued for each schedule, so that a tick costs no
# query until a period turns.
_seen: dict[str, object] = {}


def tick(now=None) -> list[str]:
    """Enqueue every schedule whose period has turned; returns the names enqueued here."""
    now = now or clock.now()
    enqueued = []
    for schedule in schedules():
        slot = schedule.slot(now)
        if _seen.get(schedule.name) == slot:
            continue
        if not ScheduleSlot.objects.filter(name=schedule.name, slot=slot).exists():
            try:
                with transaction.atomic():
                    result = schedule.job.enqueue()
                    ScheduleSlot.objects.create(name=schedule.name, slot=slot,
                                                job_id=result.id)
                enqueued.append(schedule.name)
            except IntegrityError:
                pass  # another worker took this period
        _seen[schedule.name] = slot
    if enqueued:
        # Debug: the chain's backstop alone is one line a minute.
        log.debug("scheduled %s", ", ".join(enqueued))
    return enqueued


def forget() -> None:
    """Drop this process's memory of enqueued periods (tests, and after a fork)."""
    _seen.clear()
