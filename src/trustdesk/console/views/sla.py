"""Service levels in the console: SLA policies and each team's business hours."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from trustdesk.access import policy
from trustdesk.accounts import selectors as accounts
from trustdesk.console.forms import HoursForm, SlaPolicyForm
from trustdesk.console.views.base import actor, console_view, form_error
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import sla_settings


def _page(request, policy_form=None, status=200):
    a = actor(request)
    policy.require(a, "team.manage")
    teams = []
    for team in accounts.team_list(actor=a):
        hours = sla_settings.hours_get(actor=a, team_id=team.pk)
        initial = {"timezone": hours.timezone,
                   "schedule": HoursForm.schedule_text(hours.schedule),
                   "holidays": ", ".join(hours.holidays)} if hours else None
        teams.append((team, hours, HoursForm(initial=initial, prefix=f"t{team.pk}")))
    return render(request, "console/sla.html", {
        "policies": sla_settings.policy_list(actor=a), "teams": teams,
        "policy_form": policy_form or SlaPolicyForm(prefix="p")}, status=status)


@console_view
def sla_page(request):
    if request.method != "POST":
        return _page(request)
    form = SlaPolicyForm(request.POST, prefix="p")
    if form.is_valid():
        try:
            saved = sla_settings.policy_save(actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Policy “{saved.name}” added.")
            return redirect("console:sla")
    return _page(request, policy_form=form, status=400)


@require_POST
@console_view
def sla_policy_delete(request, policy_id: int):
    sla_settings.policy_delete(actor=actor(request), policy_id=policy_id)
    messages.success(request, "Policy removed.")
    return redirect("console:sla")


@require_POST
@console_view
def team_hours(request, team_id: int):
    a = actor(request)
    if request.POST.get("clear"):
        sla_settings.hours_clear(actor=a, team_id=team_id)
        messages.success(request, "Business hours removed: targets run around the clock.")
        return redirect("console:sla")
    form = HoursForm(request.POST, prefix=f"t{team_id}")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("console:sla")
    sla_settings.hours_set(actor=a, team_id=team_id, **form.cleaned_data)
    messages.success(request, "Business hours saved.")
    return redirect("console:sla")
