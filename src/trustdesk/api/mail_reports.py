"""Report phishing (``ticket.view`` on the ticket): the ticket leaves every queue; the
reports (``mail.view``), deciding one (``mail.release``), and each team's report rate."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.mailgateway import reports

router = Router(tags=["mail"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class ReportIn(In):
    reason: str = Field(default="", max_length=300,
                        description="What made the agent suspicious (optional)")


class ReportOut(Schema):
    id: int
    ticket_id: int
    state: str = Field(description="open, confirmed or released")
    reason: str
    sender_domain: str
    flagged: bool = Field(description="The gateway had already marked it suspicious")
    reported_at: dt.datetime
    decided_at: dt.datetime | None


class ReportQuery(Schema):
    state: Literal["open", "confirmed", "released", "all"] = "open"
    limit: int = Field(default=100, ge=1, le=500)


class RateOut(Schema):
    team_id: int | None
    team: str
    flagged: int = Field(description="Messages marked suspicious and delivered to the team")
    reported: int = Field(description="Of those, how many an agent reported")
    rate: float | None
    median_minutes: float | None = Field(description="From delivery to report")
    reports: int = Field(description="Every report the team made, flagged or not")


def _out(r) -> dict:
    return {"id": r.pk, "ticket_id": r.ticket_id, "state": r.state, "reason": r.reason,
            "sender_domain": r.sender_domain, "flagged": r.flagged,
            "reported_at": r.reported_at, "decided_at": r.decided_at}


@router.post("/tickets/{ticket_id}/report-phishing", response={201: ReportOut, **ERRORS})
def report_phishing(request, ticket_id: int, body: ReportIn):
    """Report a ticket as phishing: it is held out of every queue until a security
    officer decides. Recorded (``mail.phishing.report``)."""
    return Status(201, _out(reports.report_phishing(actor=actor(request),
                                                    ticket_id=ticket_id, reason=body.reason)))


@router.get("/mail/reports", response={200: list[ReportOut], **ERRORS})
def report_list(request, query: Query[ReportQuery]):
    state = None if query.state == "all" else query.state
    return [_out(r) for r in reports.report_list(actor=actor(request), state=state,
                                                 limit=query.limit)]


@router.post("/mail/reports/{report_id}/confirm", response={200: ReportOut, **ERRORS})
def report_confirm(request, report_id: int):
    """Phishing: the ticket is closed where it is, out of every queue (409 if decided)."""
    return _out(reports.report_decide(actor=actor(request), report_id=report_id,
                                      phishing=True))


@router.post("/mail/reports/{report_id}/release", response={200: ReportOut, **ERRORS})
def report_release(request, report_id: int):
    """Not phishing: the ticket is back in its queue (409 if decided)."""
    return _out(reports.report_decide(actor=actor(request), report_id=report_id,
                                      phishing=False))


@router.get("/mail/report-rate", response={200: list[RateOut], **ERRORS})
def report_rate(request, days: int = 90):
    return [{"team_id": t.team_id, "team": t.team, "flagged": t.flagged,
             "reported": t.reported, "rate": t.rate, "median_minutes": t.median_minutes,
             "reports": t.reports} for t in reports.report_rate(actor=actor(request), days=days)]
