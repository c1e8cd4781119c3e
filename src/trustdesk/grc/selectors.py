"""Incidents as those who may see them see them (``incident.view``): the list with each
one's clocks, and one incident with its steps, clocks, links and its timeline — read
from the audit trail, which records every step in the step's own transaction, so the
timeline is what happened, not a second account of it (as ``dsr/selectors.py``).

Affected customers are shown as a count and short ids (the first eight characters of
their id): enough to tell them apart and to quote, nothing of their profile, so an
officer without ``customer.view`` sees no more than they may."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.grc import clocks
from trustdesk.grc.models import Incident

WORDS = {
    "incident.open": "Opened",
    "incident.update": "Updated",
    "incident.link": "Alerts, tickets or customers linked",
    "incident.step": "Playbook step done",
    "incident.act": "Playbook step carried out",
    "incident.notice": "Notice recorded as sent",
    "incident.remind": "Officers reminded of a notice's deadline",
    "incident.breach": "Notice deadline passed: flagged as breached",
    "incident.report": "Report written",
    "incident.export": "Report exported",
    "bulletin.publish": "Bulletin published to the team",
}
SHOWN = ("severity", "status", "changed", "high_risk", "categories", "alerts", "tickets",
         "customers", "clocks", "clock", "step", "position", "does", "counts", "late",
         "due_at", "recipients", "format", "aware_at")


@dataclass(frozen=True)
class TimelineStep:
    at: dt.datetime
    action: str
    words: str
    by: str
    facts: dict


@dataclass(frozen=True)
class StepRow:
    id: int
    position: int
    title: str
    owner_role: str
    action: str
    done_at: dt.datetime | None
    done_by: str
    result: dict


@dataclass(frozen=True)
class IncidentRow:
    id: int
    kind: str
    kind_label: str
    severity: str
    status: str
    title: str
    owner_id: int
    owner: str
    aware_at: dt.datetime
    opened_at: dt.datetime
    opened_by: str
    high_risk: bool
    categories: tuple[str, ...]
    clocks: tuple[clocks.ClockRow, ...]

    @property
    def breached(self) -> bool:
        return any(c.breached and not c.sent for c in self.clocks)


@dataclass(frozen=True)
class IncidentDetail:
    row: IncidentRow
    alert_ids: tuple[int, ...]
    ticket_ids: tuple[int, ...]
    customers: int
    customer_short_ids: tuple[str, ...]
    steps: tuple[StepRow, ...]
    report: dict
    timeline: tuple[TimelineStep, ...]


def row_of(i: Incident, now=None) -> IncidentRow:
    now = now or clock.now()
    return IncidentRow(
        id=i.pk, kind=i.kind, kind_label=Incident.Kind(i.kind).label, severity=i.severity,
        status=i.status, title=i.title, owner_id=i.owner_id,
        owner=i.owner.full_name or i.owner.email, aware_at=i.aware_at,
        opened_at=i.opened_at, opened_by=i.opened_by, high_risk=i.high_risk,
        categories=tuple(i.categories),
        clocks=tuple(clocks.row_of(c, now) for c in i.clocks.all()))


def incident_list(*, actor: Actor, status: str = "") -> list[IncidentRow]:
    policy.require(actor, "incident.view")
    rows = Incident.objects.select_related("owner").prefetch_related("clocks")
    if status:
        rows = rows.filter(status=status)
    now = clock.now()
    return [row_of(i, now) for i in rows[:500]]


def timeline(incident_id: int) -> list[TimelineStep]:
    events = AuditEvent.objects.filter(object_type="incident", object_id=str(incident_id),
                                       action__in=list(WORDS)).order_by("id")
    steps = []
    for event in events.iterator():
        context = canonical.detail(bytes(event.body)).get("context") or {}
        steps.append(TimelineStep(at=event.at, action=event.action,
                                  words=WORDS.get(event.action, event.action),
                                  by=event.actor_label,
                                  facts={k: context[k] for k in SHOWN if k in context}))
    return steps


def short_id(customer_id: str) -> str:
    return customer_id[:8]


def detail_of(i: Incident) -> IncidentDetail:
    from trustdesk.grc.services import REPORT_FIELDS

    return IncidentDetail(
        row=row_of(i), alert_ids=tuple(i.alert_ids), ticket_ids=tuple(i.ticket_ids),
        customers=len(i.customer_ids),
        customer_short_ids=tuple(short_id(c) for c in i.customer_ids),
        steps=tuple(StepRow(id=s.pk, position=s.position, title=s.title,
                            owner_role=s.owner_role, action=s.action, done_at=s.done_at,
                            done_by=s.done_by, result=s.result) for s in i.steps.all()),
        report={f: getattr(i, f) for f in REPORT_FIELDS},
        timeline=tuple(timeline(i.pk)))


def _get(incident_id) -> Incident:
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = (Incident.objects.select_related("owner").filter(pk=pk).first()
           if 0 < pk < 2**63 else None)
    if row is None:
        raise NotFound()
    return row


@transaction.atomic
def incident_detail(*, actor: Actor, incident_id) -> IncidentDetail:
    policy.require(actor, "incident.view")
    row = _get(incident_id)
    record(actor=actor, action="incident.view", object_type="incident", object_id=row.pk,
           context={"kind": row.kind})
    return detail_of(row)


def staff_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """Active members of staff, for an incident's owner and the people a step acts on."""
    policy.require(actor, "incident.view")
    from trustdesk.accounts.models import User

    return [(u.pk, f"{u.full_name or u.email} ({u.email})")
            for u in User.objects.filter(is_active=True).order_by("full_name", "email")[:1000]]


def data_categories() -> list[str]:
    from trustdesk.privacy.inventory import get_inventory

    return sorted({f.category for f in get_inventory().fields})
