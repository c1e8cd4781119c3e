"""The audit trail for security officers and auditors (``audit.read``): events, the
last verification, and a verification run on request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.access import selectors, services
from trustdesk.api import render
from trustdesk.api.audit_schemas import (
    AlertPage,
    AuditEventPage,
    LastVerificationOut,
    OutcomeName,
    VerifyResultOut,
)
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut

router = Router(tags=["audit"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut}


class EventQuery(Schema):
    actor: str | None = Field(default=None, max_length=254,
                              description="An agent's email (or a system job), exact")
    customer_id: uuid.UUID | None = Field(
        default=None, description="Events about this customer or their tickets")
    action: str | None = Field(default=None, max_length=64,
                               description="An action, exact, or a prefix ending in '.' "
                               "such as 'customer.'")
    outcome: OutcomeName | None = None
    since: dt.date | None = Field(default=None, description="From this day (inclusive)")
    until: dt.date | None = Field(default=None, description="To this day (inclusive)")
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=100)


@router.get("/audit/events", response={200: AuditEventPage, **ERRORS})
def list_events(request, query: Query[EventQuery]):
    """Events newest first. Reading them is itself recorded (``audit.view``)."""
    filters = selectors.EventFilters(
        actor=query.actor or None,
        customer_id=str(query.customer_id) if query.customer_id else None,
        action=query.action or None, outcome=query.outcome,
        since=query.since, until=query.until)
    page = selectors.event_list(actor=actor(request), filters=filters, page=query.page,
                                page_size=query.page_size)
    return {"items": [render.audit_event(e) for e in page.items], "page": page.page,
            "page_size": page.page_size, "total": page.total}


@router.get("/audit/verification", response={200: LastVerificationOut, **ERRORS})
def last_verification(request):
    """The outcome of the latest verification run; ``last`` is null if there was none."""
    return {"last": render.verification(selectors.last_verification(actor=actor(request)))}


@router.post("/audit/verify", response={200: VerifyResultOut, **ERRORS})
def verify(request):
    """Verify the whole trail now. ``ok`` false names the first bad position and the
    problem; the run is saved and recorded (``audit.verify``)."""
    return dataclasses.asdict(services.audit_verify(actor=actor(request)))


class AlertQuery(Schema):
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=100)


@router.get("/access/alerts", response={200: AlertPage, **ERRORS}, tags=["access"])
def list_alerts(request, query: Query[AlertQuery]):
    """Access alerts (break-glass reveals), newest first; requires ``alert.read``."""
    page = selectors.alert_list(actor=actor(request), page=query.page,
                                page_size=query.page_size)
    return {"items": [{"id": a.pk, "created_at": a.created_at, "kind": a.kind,
                       "actor": a.actor_label, "customer_id": a.customer_id,
                       "field": a.field, "reason": a.reason} for a in page.items],
            "page": page.page, "page_size": page.page_size, "total": page.total}
