"""The deadline watch of privacy requests (docs/dsr.md), run by a schedule: a request past
its due moment and still open is flagged breached (audited, and an alert raised), and
privacy officers are reminded, once per request, ``DSR_REMINDER_DAYS`` before it falls
due. A paused clock is neither breached nor reminded of: its deadline is moving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk.access import grants
from trustdesk.access.services import alert_dsr_breach
from trustdesk.accounts.models import User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers.models import DataRequest
from trustdesk.jobs.registry import enqueue

BATCH = 500  # per run; the next run (hourly) takes the rest


@dataclass(frozen=True)
class Watched:
    breached: int
    reminded: int


def _running():
    return DataRequest.objects.filter(status=DataRequest.Status.OPEN,
                                      paused_at__isnull=True, due_at__isnull=False)


def officers() -> list[int]:
    """The active people whose role may manage privacy requests (as an admin granted it)."""
    roles = [role for role, perms in grants.table().items()
             if "privacy_request.manage" in perms]
    return list(User.objects.filter(role__in=roles, is_active=True)
                .exclude(email="").values_list("pk", flat=True))


def watch(*, now: dt.datetime | None = None) -> Watched:
    now = now or clock.now()
    system = Actor.system("dsr watch")
    breached = reminded = 0
    for pk in _running().filter(breached_at__isnull=True, due_at__lte=now).order_by(
            "due_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            row = _running().select_for_update().filter(
                pk=pk, breached_at__isnull=True, due_at__lte=now).first()
            if row is None:
                continue  # closed, paused or flagged by another worker meanwhile
            row.breached_at = now
            row.save(update_fields=["breached_at"])
            record(actor=system, action="privacy_request.breach",
                   object_type="privacy_request", object_id=row.pk,
                   context={"customer": str(row.customer_id), "kind": row.kind,
                            "jurisdiction": row.jurisdiction, "due_at": row.due_at.isoformat()})
            alert_dsr_breach(actor=system, customer_id=row.customer_id, request_id=row.pk,
                             jurisdiction=row.jurisdiction, due=row.due_at)
            breached += 1
    soon = now + dt.timedelta(days=settings.DSR_REMINDER_DAYS)
    for pk in _running().filter(reminded_at__isnull=True, breached_at__isnull=True,
                                due_at__gt=now, due_at__lte=soon).order_by(
            "due_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            row = _running().select_for_update().filter(pk=pk, reminded_at__isnull=True
                                                        ).first()
            if row is None:
                continue
            row.reminded_at = now
            row.save(update_fields=["reminded_at"])
            people = officers()
            record(actor=system, action="privacy_request.remind",
                   object_type="privacy_request", object_id=row.pk,
                   context={"customer": str(row.customer_id), "recipients": len(people)})
            if settings.NOTIFY_BY_EMAIL:
                from trustdesk.customers import jobs

                for user_id in people:
                    enqueue(jobs.dsr_reminder_email, row.pk, user_id)
            reminded += 1
    return Watched(breached=breached, reminded=reminded)
