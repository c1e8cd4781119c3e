"""Reports: the dashboard's figures as JSON, and as CSV."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.core import csvsafe
from trustdesk.tickets import reports

router = Router(tags=["reports"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut}


class ReportQuery(Schema):
    start: dt.date | None = Field(default=None, description="First day (default: 30 "
                                                            "days before end)")
    end: dt.date | None = Field(default=None, description="Last day (default: today)")
    team_id: int | None = Field(default=None, ge=1, le=2**62)


class Count(Schema):
    label: str
    tickets: int


class DurationsOut(Schema):
    count: int
    median_minutes: float | None
    p90_minutes: float | None


class AttainmentOut(Schema):
    met: int
    missed: int
    rate: float | None


class ScoreOut(Schema):
    label: str
    sent: int
    answered: int
    average: float | None
    satisfied: float | None = Field(description="Share of answers rated 4 or 5")


class ReportOut(Schema):
    start: dt.date
    end: dt.date
    team_id: int | None
    created: int
    solved: int
    by_channel: list[Count]
    first_response: DurationsOut
    resolution: DurationsOut
    sla_first_response: AttainmentOut
    sla_resolution: AttainmentOut
    backlog_age: list[Count]
    team_load: list[Count]
    csat_teams: list[ScoreOut]
    csat_agents: list[ScoreOut]


def _read(request, query: ReportQuery):
    return reports.report(actor=actor(request), start=query.start, end=query.end,
                          team_id=query.team_id)


@router.get("/reports/summary", response={200: ReportOut, **ERRORS})
def summary(request, query: Query[ReportQuery]):
    """Over the tickets you can see: volume, times, service levels, backlog, load."""
    r = _read(request, query)

    def counts(rows):
        return [{"label": label, "tickets": n} for label, n in rows]

    def attained(a):
        return {"met": a.met, "missed": a.missed, "rate": a.rate}

    return {"start": r.start, "end": r.end, "team_id": r.team.pk if r.team else None,
            "created": r.created, "solved": r.solved, "by_channel": counts(r.by_channel),
            "first_response": vars(r.first_response), "resolution": vars(r.resolution),
            "sla_first_response": attained(r.sla_first_response),
            "sla_resolution": attained(r.sla_resolution),
            "backlog_age": counts(r.backlog_age), "team_load": counts(r.team_load),
            "csat_teams": [vars(s) for s in r.csat_teams],
            "csat_agents": [vars(s) for s in r.csat_agents]}


@router.get("/reports/export", response={200: None, **ERRORS})
def export(request, query: Query[ReportQuery]):
    """The same figures as CSV (section, item, value), the export audited; cells are
    escaped so that a spreadsheet never runs one as a formula."""
    r = _read(request, query)
    response = HttpResponse(csvsafe.render(reports.exported(actor=actor(request), r=r)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="trustdesk-report-'
                                       f'{r.start.isoformat()}-{r.end.isoformat()}.csv"')
    return response
