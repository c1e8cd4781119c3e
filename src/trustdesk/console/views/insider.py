"""Insider-threat alerts in the console (docs/insider.md, "Alerts"): the list grouped by
person, an alert's page with its evidence as a timeline of audit events, and the three
things an officer does with one — acknowledge, dismiss with a reason, open an incident
— each posting to an ``insider`` use case."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.insider import selectors, services


@require_GET
@console_view
def alert_list(request):
    status = request.GET.get("status", "active")
    rows = selectors.alert_list(actor=actor(request), status=status)
    return render(request, "console/insider_alerts.html", {
        "people": selectors.by_person(rows), "status": status,
        "statuses": ["active", *selectors.STATUSES, "all"]})


@require_GET
@console_view
def alert_detail(request, alert_id):
    d = selectors.alert_detail(actor=actor(request), alert_id=alert_id)
    return render(request, "console/insider_alert.html", {
        "d": d, "a": d.row, "kinds": services.INCIDENT_KINDS})


@require_POST
@console_view
def alert_acknowledge(request, alert_id):
    services.alert_acknowledge(actor=actor(request), alert_id=alert_id)
    messages.success(request, "The alert is acknowledged.")
    return redirect("console:insider_alert", alert_id)


@require_POST
@console_view
def alert_dismiss(request, alert_id):
    services.alert_dismiss(actor=actor(request), alert_id=alert_id,
                           reason=request.POST.get("reason", ""))
    messages.success(request, "The alert is dismissed.")
    return redirect("console:insider_alert", alert_id)


@require_POST
@console_view
def alert_incident(request, alert_id):
    row = services.alert_incident(actor=actor(request), alert_id=alert_id,
                                  kind=request.POST.get("kind", ""),
                                  severity=request.POST.get("severity") or "high")
    messages.success(request, f"Incident {row.incident_id} is open.")
    return redirect("console:incident", row.incident_id)
