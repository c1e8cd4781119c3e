"""The watch of incidents' notification clocks, run hourly by a schedule (``grc/jobs.py``):
a clock past due with no notice recorded is flagged breached (audited, and an access
alert raised for security officers), and security and privacy officers are reminded,
once per clock, ``TRUSTDESK_INCIDENT_REMINDER_HOURS`` before it falls due. Like the
privacy requests' watch (``customers/dsr_watch.py``): each clock in its own transaction
under its row lock, so two workers never flag or remind twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk.access import grants
from trustdesk.access.services import alert_incident_clock
from trustdesk.accounts.models import User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.grc.models import NoticeClock
from trustdesk.jobs.registry import enqueue

BATCH = 500
# Who is told: those who run the incident and those who follow its notices.
TOLD = ("incident.manage", "privacy_request.manage")


@dataclass(frozen=True)
class Watched:
    breached: int
    reminded: int


def _unsent():
    return NoticeClock.objects.filter(sent_at__isnull=True)


def officers() -> list[int]:
    roles = [role for role, perms in grants.table().items() if any(p in perms for p in TOLD)]
    return list(User.objects.filter(role__in=roles, is_active=True)
                .exclude(email="").values_list("pk", flat=True))


def _audit(actor: Actor, action: str, c: NoticeClock, **context) -> None:
    record(actor=actor, action=action, object_type="incident", object_id=c.incident_id,
           context={"clock": c.kind, "due_at": c.due_at.isoformat(), **context})


def watch(*, now: dt.datetime | None = None) -> Watched:
    now = now or clock.now()
    system = Actor.system("incident watch")
    breached = reminded = 0
    for pk in _unsent().filter(breached_at__isnull=True, due_at__lte=now).order_by(
            "due_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            c = _unsent().select_for_update().filter(pk=pk, breached_at__isnull=True).first()
            if c is None:
                continue  # sent, or flagged by another worker meanwhile
            c.breached_at = now
            c.save(update_fields=["breached_at"])
            _audit(system, "incident.breach", c)
            alert_incident_clock(actor=system, incident_id=c.incident_id, clock=c.kind,
                                 due=c.due_at)
            breached += 1
    soon = now + dt.timedelta(hours=settings.INCIDENT_REMINDER_HOURS)
    for pk in _unsent().filter(reminded_at__isnull=True, breached_at__isnull=True,
                               due_at__gt=now, due_at__lte=soon).order_by(
            "due_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            c = _unsent().select_for_update().filter(pk=pk, reminded_at__isnull=True).first()
            if c is None:
                continue
            c.reminded_at = now
            c.save(update_fields=["reminded_at"])
            people = officers()
            _audit(system, "incident.remind", c, recipients=len(people))
            if settings.NOTIFY_BY_EMAIL:
                from trustdesk.grc import jobs

                for user_id in people:
                    enqueue(jobs.incident_reminder_email, c.pk, user_id)
            reminded += 1
    return Watched(breached=breached, reminded=reminded)
