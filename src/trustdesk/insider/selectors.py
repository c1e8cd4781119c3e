"""Insider-threat alerts as those who may see them see them (``insider.view``): the list
grouped by person, and one alert with its evidence as a timeline of the audit events it
rests on — each event's id, time, action and object from the audit trail (read through
the export's ``records``), never a customer's values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from trustdesk.access import policy
from trustdesk.audit.export import records
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.insider.detect import KNOWN
from trustdesk.insider.models import InsiderAlert

STATUSES = [s for s, _ in InsiderAlert.Status.choices]


def newest_event_id() -> int:
    return AuditEvent.objects.aggregate(n=Max("id"))["n"] or 0


def explanation(detector: str) -> str:
    cls = KNOWN.get(detector)
    return cls.explanation if cls else ""


@dataclass(frozen=True)
class AlertRow:
    id: int
    detector: str
    explanation: str
    actor: str
    actor_user_id: int | None
    score: int
    first_at: dt.datetime
    last_at: dt.datetime
    summary: str
    status: str
    handled_by: str
    handled_at: dt.datetime | None
    dismiss_reason: str
    incident_id: int | None


@dataclass(frozen=True)
class Person:
    actor: str
    top_score: int
    alerts: tuple[AlertRow, ...]


@dataclass(frozen=True)
class TimelineEvent:
    id: int | None
    ref: str
    at: dt.datetime | None
    action: str
    object: str
    what: str


@dataclass(frozen=True)
class AlertDetail:
    row: AlertRow
    timeline: tuple[TimelineEvent, ...]


def row_of(a: InsiderAlert) -> AlertRow:
    return AlertRow(id=a.pk, detector=a.detector, explanation=explanation(a.detector),
                    actor=a.actor_label, actor_user_id=a.actor_user_id, score=a.score,
                    first_at=a.first_at, last_at=a.last_at, summary=a.summary,
                    status=a.status, handled_by=a.handled_by, handled_at=a.handled_at,
                    dismiss_reason=a.dismiss_reason, incident_id=a.incident_id)


@transaction.atomic
def alert_list(*, actor: Actor, status: str = "") -> list[AlertRow]:
    """Every alert, newest first; ``status`` one of ``STATUSES``, "active" (open or
    acknowledged) or all. Audited: who looked at which colleagues' alerts is itself
    something security officers are accountable for."""
    policy.require(actor, "insider.view")
    record(actor=actor, action="insider.alert_list", object_type="insider_alert",
           context={"status": status if status in (*STATUSES, "active") else ""})
    rows = InsiderAlert.objects.all()
    if status == "active":
        rows = rows.filter(status__in=(InsiderAlert.Status.OPEN,
                                       InsiderAlert.Status.ACKNOWLEDGED))
    elif status in STATUSES:
        rows = rows.filter(status=status)
    return [row_of(a) for a in rows.order_by("-last_at", "-id")[:1000]]


def by_person(rows: list[AlertRow]) -> list[Person]:
    """The alerts grouped per person, the person with the highest score first."""
    people: dict[str, list[AlertRow]] = {}
    for r in rows:
        people.setdefault(r.actor, []).append(r)
    out = [Person(actor=k, top_score=max(r.score for r in v),
                  alerts=tuple(sorted(v, key=lambda r: (-r.score, r.id))))
           for k, v in people.items()]
    return sorted(out, key=lambda p: (-p.top_score, p.actor))


def _get(alert_id) -> InsiderAlert:
    try:
        pk = int(alert_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = InsiderAlert.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if row is None:
        raise NotFound()
    return row


@transaction.atomic
def alert_detail(*, actor: Actor, alert_id) -> AlertDetail:
    policy.require(actor, "insider.view")
    a = _get(alert_id)
    record(actor=actor, action="insider.alert_view", object_type="insider_alert",
           object_id=a.pk, context={"person": a.actor_label, "detector": a.detector})
    ids = [e["id"] for e in a.evidence if e.get("id")]
    found = {r["id"]: r for r in records(AuditEvent.objects.filter(pk__in=ids))} if ids else {}
    timeline = []
    for e in a.evidence:
        r = found.get(e.get("id"))
        obj = f"{r['object']['type']} {r['object']['id']}".strip() if r else ""
        timeline.append(TimelineEvent(
            id=e.get("id"), ref=e.get("event") or "",
            at=dt.datetime.fromisoformat(r["at"]) if r else None,
            action=r["action"] if r else "", object=obj, what=e.get("what", "")))
    timeline.sort(key=lambda t: (t.at is None, t.at or dt.datetime.min.replace(tzinfo=dt.UTC)))
    return AlertDetail(row=row_of(a), timeline=tuple(timeline))
