"""Previewing and approving retention runs, and the scheduled entry point.

A preview records what a run pinned to now would delete — counts only — as a proposed
run. A privacy officer approves it (``retention.run``, freshly re-authenticated: deletion
cannot be undone), which pins its ``as_of``; with ``TRUSTDESK_RETENTION_AUTO`` the
scheduled job proposes and approves a run itself, once a day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound
from trustdesk.jobs.registry import enqueue
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.models import RetentionRun
from trustdesk.retention import candidates, runner
from trustdesk.retention.jobs import retention_run
from trustdesk.retention.selectors import storable

Status = RetentionRun.Status
SYSTEM = runner.ACTOR


def _propose(actor: Actor, *, auto: bool = False) -> RetentionRun:
    as_of = clock.now()
    RetentionRun.objects.filter(status=Status.PROPOSED).update(status=Status.SUPERSEDED)
    run = RetentionRun.objects.create(as_of=as_of, created_at=as_of, proposed_by=actor.label,
                                      auto=auto, preview=candidates.counts(get_inventory(),
                                                                           as_of),
                                      done=candidates.empty())
    record(actor=actor, action="retention.preview", object_type="retention_run",
           object_id=run.pk, context={"as_of": as_of.isoformat(), **run.preview})
    return run


@transaction.atomic
def preview(*, actor: Actor) -> RetentionRun:
    """What the next run would delete, as of now: per field, customers shredded,
    tickets and their messages. Replaces an earlier preview nobody approved."""
    policy.require(actor, "retention.view")
    return _propose(actor)


def _approve(actor: Actor, run: RetentionRun) -> RetentionRun:
    if RetentionRun.objects.select_for_update().filter(active=True).exists():
        raise Conflict("Another retention run is approved or under way; let it finish.")
    run.status, run.active = Status.APPROVED, True
    run.approved_by, run.approved_at = actor.label, clock.now()
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        raise Conflict("Another retention run is approved or under way.") from None
    record(actor=actor, action="retention.approve", object_type="retention_run",
           object_id=run.pk, context={"as_of": run.as_of.isoformat(), "auto": run.auto,
                                      **run.preview})
    enqueue(retention_run)  # start now rather than at the next scheduled hour
    return run


@transaction.atomic
def approve(*, actor: Actor, run_id: int) -> RetentionRun:
    """Approve a preview: the run deletes what was due at the preview's ``as_of``."""
    policy.require(actor, "retention.run")
    policy.require_reauthentication(actor)  # deletion cannot be undone
    run = RetentionRun.objects.select_for_update().filter(pk=run_id).first() \
        if storable(run_id) else None
    if run is None:
        raise NotFound()
    if run.status != Status.PROPOSED:
        raise Conflict("Only the latest preview can be approved; preview again.")
    return _approve(actor, run)


def _runnable(actor: Actor) -> RetentionRun | None:
    """The approved run to work on; with auto-approval, today's if none is left."""
    with transaction.atomic():
        run = RetentionRun.objects.filter(active=True).first()
        if run is not None or not settings.RETENTION_AUTO:
            return run
        today = clock.now().astimezone(dt.UTC).date()
        latest = RetentionRun.objects.filter(auto=True).order_by("-as_of").first()
        if latest is not None and latest.as_of.astimezone(dt.UTC).date() >= today:
            return None  # today's automatic run is done
        try:
            with transaction.atomic():
                return _approve(actor, _propose(actor, auto=True))
        except Conflict:
            # Another worker (or the command line) approved one meanwhile: work on it.
            return RetentionRun.objects.filter(active=True).first()


def run_next(*, actor: Actor = SYSTEM, limit: int | None = None) -> runner.Batch:
    """One batch of the approved run, if any (the scheduled job and ``trustdesk
    retention run``). Without an approved run, and without auto-approval, nothing."""
    policy.require(actor, "retention.run")
    run = _runnable(actor)
    if run is None:
        return runner.Batch(run_id=None, objects=0, finished=True)
    return runner.run_batch(run_id=run.pk, limit=limit)
