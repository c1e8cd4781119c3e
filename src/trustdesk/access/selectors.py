"""Reads for those who oversee access: the audit trail (security officers and auditors;
the reading itself is audited). The access review builds on the same trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.models import AuditEvent, AuditVerification
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.pagination import Page, page_bounds


@dataclass(frozen=True)
class EventFilters:
    actor: str | None = None  # an agent's email, exact
    customer_id: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("customer.")
    outcome: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@transaction.atomic
def event_list(*, actor: Actor, filters: EventFilters = EventFilters(), page: int = 1,
               page_size: int = 50) -> Page[AuditEvent]:
    policy.require(actor, "audit.read")
    start, stop = page_bounds(page, page_size)
    events = AuditEvent.objects.order_by("-id")
    if filters.actor:
        events = events.filter(actor_label=filters.actor.strip().lower())
    if filters.customer_id:
        events = events.filter(object_type="customer", object_id=filters.customer_id) | \
            events.filter(context__customer=filters.customer_id)
    if filters.action:
        events = events.filter(action__startswith=filters.action) if filters.action.endswith(
            ".") else events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.since:
        events = events.filter(at__gte=filters.since)
    if filters.until:
        events = events.filter(at__lt=filters.until)
    total = events.count()
    items = list(events[start:stop])
    record(actor=actor, action="audit.view", object_type="audit",
           context={"filters": {k: str(v) for k, v in filters.__dict__.items() if v},
                    "page": page})
    return Page(items=items, page=page, page_size=page_size, total=total)


def last_verification(*, actor: Actor) -> AuditVerification | None:
    policy.require(actor, "audit.read")
    return AuditVerification.objects.order_by("-at").first()
