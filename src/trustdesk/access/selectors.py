"""Reads for those who oversee access: the audit trail (security officers and auditors;
the reading itself is audited), access alerts, and the roles as they stand. The access
review builds on the same trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils import timezone

from trustdesk.access import grants, policy
from trustdesk.access.models import Alert
from trustdesk.access.roles import ROLE_LABELS, ROLE_PERMISSIONS
from trustdesk.audit import export
from trustdesk.audit.models import AuditEvent, AuditVerification
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.core.pagination import Page, clamped, page_bounds

OUTCOMES = tuple(AuditEvent.Outcome.values)


@dataclass(frozen=True)
class EventFilters:
    actor: str | None = None  # an agent's email, exact
    customer_id: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("customer.")
    outcome: str | None = None  # one of OUTCOMES
    # A datetime is a moment; a date is a whole day in the current time zone, so
    # ``until=<date>`` includes that day.
    since: dt.datetime | dt.date | None = None
    until: dt.datetime | dt.date | None = None


def _check(filters: EventFilters) -> None:
    for f in fields(filters):
        value = getattr(filters, f.name)
        if isinstance(value, str) and "\x00" in value:
            # No stored value holds NUL, and PostgreSQL refuses it in text.
            raise ValidationError(f"{f.name} contains a NUL character.", field=f.name)
    if filters.outcome and filters.outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of {', '.join(OUTCOMES)}.",
                              field="outcome")


def _moment(value: dt.datetime | dt.date, *, end: bool) -> dt.datetime | None:
    """The moment a filter bound stands for; None if a day bound lies past the calendar."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        day = value + dt.timedelta(days=1) if end else value
    except OverflowError:
        return None  # "until 9999-12-31": no upper bound at all
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _filtered(filters: EventFilters):
    _check(filters)
    events = AuditEvent.objects.all()
    if filters.actor:
        events = events.filter(actor_label=filters.actor.strip().lower())
    if filters.customer_id:
        events = events.filter(customer=filters.customer_id)
    if filters.action:
        events = events.filter(action__startswith=filters.action) if filters.action.endswith(
            ".") else events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.since and (since := _moment(filters.since, end=False)):
        events = events.filter(at__gte=since)
    if filters.until and (until := _moment(filters.until, end=True)):
        events = events.filter(at__lt=until)
    return events


def _described(filters: EventFilters) -> dict:
    return {k: str(v) for k, v in filters.__dict__.items() if v}


@transaction.atomic
def event_list(*, actor: Actor, filters: EventFilters = EventFilters(), page: int = 1,
               page_size: int = 50) -> Page[AuditEvent]:
    """Events matching ``filters``, newest first. Requires ``audit.read``; the read is
    itself recorded (``audit.view``). Raises ``PermissionDenied`` or ``ValidationError``
    (a malformed filter or page)."""
    policy.require(actor, "audit.read")
    page_bounds(page, page_size)  # refuses a page or size out of range
    events = _filtered(filters).order_by("-id")
    total = events.count()
    page, start, stop = clamped(page, page_size, total)
    items = list(events[start:stop])
    record(actor=actor, action="audit.view", object_type="audit",
           context={"filters": _described(filters), "page": page})
    return Page(items=items, page=page, page_size=page_size, total=total)


def event_export(*, actor: Actor, filters: EventFilters = EventFilters(),
                 fmt: str = "jsonl") -> Iterator[str]:
    """Every event matching ``filters`` as lines of JSON (or CEF), in chain order, for a
    download. Requires ``audit.read``; the export is recorded (``audit.export``, naming
    the filters and how many events) before the first line is produced. Raises
    ``PermissionDenied`` or ``ValidationError``."""
    policy.require(actor, "audit.read")
    policy.require_reauthentication(actor)  # the trail leaves TrustDesk
    if fmt not in export.FORMATS:
        raise ValidationError(f"format must be one of {', '.join(export.FORMATS)}.",
                              field="format")
    events = _filtered(filters)
    with transaction.atomic():
        record(actor=actor, action="audit.export", object_type="audit",
               context={"filters": _described(filters), "events": events.count(),
                        "format": fmt})
    return (export.render(r, fmt) + "\n" for r in export.records(events))


def last_verification(*, actor: Actor) -> AuditVerification | None:
    """The latest verification run, or None if the trail was never verified. Requires
    ``audit.read``."""
    policy.require(actor, "audit.read")
    return AuditVerification.objects.order_by("-at", "-id").first()


@transaction.atomic
def alert_list(*, actor: Actor, page: int = 1, page_size: int = 50) -> Page[Alert]:
    """Access alerts, newest first. Requires ``alert.read``; the read is recorded."""
    policy.require(actor, "alert.read")
    page_bounds(page, page_size)  # refuses a page or size out of range
    alerts = Alert.objects.order_by("-created_at", "-id")
    total = alerts.count()
    page, start, stop = clamped(page, page_size, total)
    items = list(alerts[start:stop])
    record(actor=actor, action="alert.view", object_type="alert", context={"page": page})
    return Page(items=items, page=page, page_size=page_size, total=total)


@dataclass(frozen=True)
class RoleView:
    role: str
    label: str
    permissions: list[str]
    added: list[str]  # against the shipped defaults
    removed: list[str]

    @property
    def default(self) -> bool:
        return not (self.added or self.removed)


def role_list(*, actor: Actor) -> list[RoleView]:
    """Every role with its permissions now and how they differ from the shipped ones.
    Requires ``role.manage`` or ``access.review``."""
    if not (policy.has_permission(actor, "role.manage")
            or policy.has_permission(actor, "access.review")):
        policy.require(actor, "role.manage")  # raises, naming the permission
    table = grants.table()
    return [RoleView(role=role, label=label, permissions=sorted(table[role]),
                     added=sorted(table[role] - ROLE_PERMISSIONS[role]),
                     removed=sorted(ROLE_PERMISSIONS[role] - table[role]))
            for role, label in ROLE_LABELS.items()]
