"""Insider-threat alerts (``insider.view``; acknowledging, dismissing and opening an
incident ``insider.manage``). The evidence is audit events — ids, times, actions,
objects — and plain words, never customer values (docs/insider.md, "Alerts")."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.insider import selectors, services

router = Router(tags=["insider"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class AlertOut(Schema):
    id: int
    detector: str
    explanation: str
    actor: str = Field(description="The person, as the audit trail names them")
    actor_user_id: int | None
    score: int
    first_at: dt.datetime
    last_at: dt.datetime
    summary: str
    status: str = Field(description="open, acknowledged, dismissed or incident")
    handled_by: str
    handled_at: dt.datetime | None
    dismiss_reason: str
    incident_id: int | None


class EventOut(Schema):
    id: int | None = Field(description="The audit event's id")
    ref: str
    at: dt.datetime | None
    action: str
    object: str
    what: str


class AlertDetailOut(Schema):
    alert: AlertOut
    timeline: list[EventOut]


class DismissIn(In):
    reason: str = Field(min_length=1, max_length=2000)


class IncidentIn(In):
    kind: str = Field(description="account_compromise or data_breach")
    severity: str = Field(default="high", description="low, medium, high or critical")
    title: str = Field(default="", max_length=200)


def _detail(request, alert_id) -> AlertDetailOut:
    d = selectors.alert_detail(actor=actor(request), alert_id=alert_id)
    return AlertDetailOut(alert=AlertOut(**d.row.__dict__),
                          timeline=[EventOut(**t.__dict__) for t in d.timeline])


@router.get("/insider/alerts", response={200: list[AlertOut], 401: ErrorOut, 403: ErrorOut})
def alert_list(request, status: str = ""):
    """Newest first; ``status``: open, acknowledged, dismissed, incident or active."""
    return [AlertOut(**r.__dict__)
            for r in selectors.alert_list(actor=actor(request), status=status)]


@router.get("/insider/alerts/{alert_id}", response={200: AlertDetailOut, **ERRORS})
def alert_detail(request, alert_id: int):
    return _detail(request, alert_id)


@router.post("/insider/alerts/{alert_id}/acknowledge", response={200: AlertDetailOut, **ERRORS})
def alert_acknowledge(request, alert_id: int):
    services.alert_acknowledge(actor=actor(request), alert_id=alert_id)
    return _detail(request, alert_id)


@router.post("/insider/alerts/{alert_id}/dismiss", response={200: AlertDetailOut, **ERRORS})
def alert_dismiss(request, alert_id: int, payload: DismissIn):
    """Not misuse: the same detector and person are not alerted again for a while."""
    services.alert_dismiss(actor=actor(request), alert_id=alert_id, reason=payload.reason)
    return _detail(request, alert_id)


@router.post("/insider/alerts/{alert_id}/incident", response={200: AlertDetailOut, **ERRORS})
def alert_incident(request, alert_id: int, payload: IncidentIn):
    """Open an incident from the alert (the caller its owner); ``incident_id`` says which."""
    services.alert_incident(actor=actor(request), alert_id=alert_id, **payload.model_dump())
    return _detail(request, alert_id)
