"""Reports in the console: the dashboard (server-drawn SVG charts) and its CSV export."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustdesk.accounts import selectors as accounts
from trustdesk.console import charts
from trustdesk.console.views.base import actor, console_view
from trustdesk.core import csvsafe
from trustdesk.tickets import reports


class ReportForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     label="Team")

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_id"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]


def _report(request):
    a = actor(request)
    form = ReportForm(request.GET or None, teams=accounts.teams_to_file_in(actor=a))
    data = form.cleaned_data if form.is_valid() else {}
    return a, form, reports.report(actor=a, start=data.get("start"), end=data.get("end"),
                                   team_id=data.get("team_id"))


def _hours(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    return f"{minutes / 60:.1f} h" if minutes >= 90 else f"{minutes:.0f} min"


@require_GET
@console_view
def dashboard(request):
    _, form, r = _report(request)
    return render(request, "console/reports.html", {
        "form": form, "r": r, "query": request.GET.urlencode(),
        "channel_chart": charts.bars(r.by_channel, title="Tickets by channel"),
        "backlog_chart": charts.bars(r.backlog_age, title="Open tickets by age"),
        "load_chart": charts.bars(r.team_load, title="Open tickets per team"),
        "csat_chart": charts.bars(
            [(s.label, round(100 * s.satisfied)) for s in r.csat_teams
             if s.satisfied is not None], unit="%", title="Satisfied customers per team"),
        "sla_first": charts.meter(r.sla_first_response.rate, label="First reply on time"),
        "sla_resolution": charts.meter(r.sla_resolution.rate, label="Solved on time"),
        "hours": {"first_median": _hours(r.first_response.median_minutes),
                  "first_p90": _hours(r.first_response.p90_minutes),
                  "res_median": _hours(r.resolution.median_minutes),
                  "res_p90": _hours(r.resolution.p90_minutes)},
    })


@require_GET
@console_view
def export(request):
    a, _, r = _report(request)
    body = csvsafe.render(reports.exported(actor=a, r=r))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"trustdesk-report-{r.start.isoformat()}-{r.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


