"""Incidents (``incident.view``; changes ``incident.manage``, acting steps ``incident.act``
from a re-authenticated console session) and the team's bulletins (every member of
staff reads and acknowledges; ``bulletin.publish`` writes them). Affected customers are
a count and short ids, never profile values (docs/incidents.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.grc import actions, bulletins, notices, report, selectors, services

router = Router(tags=["incidents"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ClockOut(Schema):
    kind: str = Field(description="authority, subjects, hipaa or pipl")
    basis: str
    due_at: dt.datetime
    seconds_left: int = Field(description="Negative once late")
    left: str
    reminded_at: dt.datetime | None
    breached: bool
    sent_at: dt.datetime | None
    sent_by: str
    recipient: str
    reference: str


class IncidentOut(Schema):
    id: int
    kind: str
    severity: str
    status: str
    title: str
    owner_id: int
    owner: str
    aware_at: dt.datetime
    opened_at: dt.datetime
    high_risk: bool
    categories: list[str]
    clocks: list[ClockOut]


class StepOut(Schema):
    id: int
    position: int
    title: str
    owner_role: str
    action: str
    done_at: dt.datetime | None
    done_by: str
    result: dict


class EventOut(Schema):
    at: dt.datetime
    action: str
    words: str
    by: str
    facts: dict


class IncidentDetailOut(Schema):
    incident: IncidentOut
    alert_ids: list[int]
    ticket_ids: list[int]
    customers: int
    customer_short_ids: list[str]
    steps: list[StepOut]
    report: dict
    timeline: list[EventOut]


class OpenIn(In):
    kind: str = Field(description="data_breach, account_compromise, phishing, lost_device "
                                  "or service_outage")
    severity: str = Field(description="low, medium, high or critical")
    title: str = Field(max_length=200)
    owner_id: int
    aware_at: dt.datetime = Field(description="When the company became aware; starts the "
                                              "clocks")
    high_risk: bool = False
    categories: list[str] = Field(default_factory=list,
                                  description="Data categories of the inventory")
    alert_ids: list[int] = Field(default_factory=list)
    ticket_ids: list[int] = Field(default_factory=list)
    customer_ids: list[uuid.UUID] = Field(default_factory=list)


class UpdateIn(In):
    status: str | None = None
    severity: str | None = None
    high_risk: bool | None = None
    categories: list[str] | None = None
    owner_id: int | None = None


class LinkIn(In):
    alert_ids: list[int] = Field(default_factory=list)
    ticket_ids: list[int] = Field(default_factory=list)
    customer_ids: list[uuid.UUID] = Field(default_factory=list)


class ActIn(In):
    user_ids: list[int] = Field(default_factory=list,
                                description="The members of staff the step acts on")


class NoticeIn(In):
    recipient: str = Field(min_length=1, max_length=254)
    reference: str = Field(min_length=1, max_length=254)
    sent_at: dt.datetime | None = None


class ReportIn(In):
    cause: str | None = None
    consequences: str | None = None
    impact: str | None = None
    actions_taken: str | None = None
    actions_planned: str | None = None


class BulletinOut(Schema):
    id: int
    title: str
    body: str
    incident_id: int | None
    near_miss: bool
    published_at: dt.datetime
    published_by: str
    read_at: dt.datetime | None


class BulletinIn(In):
    title: str = Field(max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    incident_id: int | None = None
    near_miss: bool = False


class ReadOut(Schema):
    who: str
    at: dt.datetime


class ReceiptsOut(Schema):
    bulletin: BulletinOut
    read: list[ReadOut]
    unread: list[str]


def _out(r: selectors.IncidentRow) -> IncidentOut:
    return IncidentOut(id=r.id, kind=r.kind, severity=r.severity, status=r.status,
                       title=r.title, owner_id=r.owner_id, owner=r.owner, aware_at=r.aware_at,
                       opened_at=r.opened_at, high_risk=r.high_risk,
                       categories=list(r.categories),
                       clocks=[ClockOut(**c.__dict__) for c in r.clocks])


def _detail(d: selectors.IncidentDetail) -> IncidentDetailOut:
    return IncidentDetailOut(
        incident=_out(d.row), alert_ids=list(d.alert_ids), ticket_ids=list(d.ticket_ids),
        customers=d.customers, customer_short_ids=list(d.customer_short_ids),
        steps=[StepOut(**s.__dict__) for s in d.steps], report=d.report,
        timeline=[EventOut(**t.__dict__) for t in d.timeline])


def _fresh(request, incident_id) -> IncidentDetailOut:
    return _detail(selectors.incident_detail(actor=actor(request), incident_id=incident_id))


@router.get("/incidents", response={200: list[IncidentOut], 401: ErrorOut, 403: ErrorOut})
def incident_list(request, status: str = ""):
    return [_out(r) for r in selectors.incident_list(actor=actor(request), status=status)]


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS})
def incident_open(request, payload: OpenIn):
    """Open an incident: its type's playbook steps and its notification clocks start."""
    row = services.incident_open(actor=actor(request), **payload.model_dump())
    return Status(201, _fresh(request, row.pk))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def incident_detail(request, incident_id: int):
    return _fresh(request, incident_id)


@router.patch("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def incident_update(request, incident_id: int, payload: UpdateIn):
    services.incident_update(actor=actor(request), incident_id=incident_id,
                             **payload.model_dump())
    return _fresh(request, incident_id)


@router.post("/incidents/{incident_id}/links", response={200: IncidentDetailOut, **ERRORS})
def incident_link(request, incident_id: int, payload: LinkIn):
    services.incident_link(actor=actor(request), incident_id=incident_id,
                           **payload.model_dump())
    return _fresh(request, incident_id)


@router.post("/incidents/{incident_id}/steps/{step_id}/done", response={200: StepOut, **ERRORS})
def step_done(request, incident_id: int, step_id: int):
    s = services.step_done(actor=actor(request), incident_id=incident_id, step_id=step_id)
    return StepOut(id=s.pk, position=s.position, title=s.title, owner_role=s.owner_role,
                   action=s.action, done_at=s.done_at, done_by=s.done_by, result=s.result)


@router.post("/incidents/{incident_id}/steps/{step_id}/act", response={200: StepOut, **ERRORS})
def step_act(request, incident_id: int, step_id: int, payload: ActIn):
    """Carry an acting step out on the people named; 403 (``reauthentication_required``)
    unless from a console session whose password was just confirmed."""
    s = actions.step_act(actor=actor(request), incident_id=incident_id, step_id=step_id,
                         user_ids=payload.user_ids)
    return StepOut(id=s.pk, position=s.position, title=s.title, owner_role=s.owner_role,
                   action=s.action, done_at=s.done_at, done_by=s.done_by, result=s.result)


@router.post("/incidents/{incident_id}/notices/{clock}",
             response={200: IncidentDetailOut, **ERRORS})
def notice_record(request, incident_id: int, clock: str, payload: NoticeIn):
    """Record that the notice went out (409 if it was recorded already)."""
    notices.notice_record(actor=actor(request), incident_id=incident_id, clock_kind=clock,
                          **payload.model_dump())
    return _fresh(request, incident_id)


@router.put("/incidents/{incident_id}/report", response={200: IncidentDetailOut, **ERRORS})
def report_save(request, incident_id: int, payload: ReportIn):
    services.report_save(actor=actor(request), incident_id=incident_id,
                         **payload.model_dump())
    return _fresh(request, incident_id)


@router.get("/incidents/{incident_id}/report/{fmt}", response={200: None, **ERRORS})
def report_export(request, incident_id: int, fmt: str):
    """The post-incident report as ``html`` or ``pdf``, as a download."""
    kind, body, name = report.report_export(actor=actor(request), incident_id=incident_id,
                                            fmt=fmt)
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/bulletins", response={200: list[BulletinOut], 401: ErrorOut, 403: ErrorOut})
def bulletin_list(request):
    return [BulletinOut(**b.__dict__) for b in bulletins.bulletin_list(actor=actor(request))]


@router.post("/bulletins", response={201: BulletinOut, **ERRORS})
def bulletin_publish(request, payload: BulletinIn):
    b = bulletins.bulletin_publish(actor=actor(request), **payload.model_dump())
    return Status(201, BulletinOut(**b.__dict__))


@router.post("/bulletins/{bulletin_id}/acknowledge", response={200: BulletinOut, **ERRORS})
def bulletin_acknowledge(request, bulletin_id: int):
    b = bulletins.bulletin_acknowledge(actor=actor(request), bulletin_id=bulletin_id)
    return BulletinOut(**b.__dict__)


@router.get("/bulletins/{bulletin_id}/receipts", response={200: ReceiptsOut, **ERRORS})
def bulletin_receipts(request, bulletin_id: int):
    r = bulletins.bulletin_receipts(actor=actor(request), bulletin_id=bulletin_id)
    return ReceiptsOut(bulletin=BulletinOut(**r.bulletin.__dict__),
                       read=[ReadOut(who=w, at=a) for w, a in r.read], unread=list(r.unread))
