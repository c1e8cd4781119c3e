"""Incidents and bulletins in the console (docs/incidents.md): the list with each
incident's clocks and the form to open one, an incident's page (clocks, steps, links,
timeline, report, exports), and the bulletins page every member of staff reads and
acknowledges. Every change posts to a ``grc`` use case; acting steps ask for the
password again (the service decides, ``console_view`` asks and replays)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.grc import actions, bulletins, notices, report, selectors, services, validation


def _list(request, name: str) -> list[str]:
    """A multi-value field, or a comma-separated one (ids typed by hand)."""
    values = []
    for raw in request.POST.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


@require_GET
@console_view
def incident_list(request):
    who = actor(request)
    return render(request, "console/incidents.html", {
        "rows": selectors.incident_list(actor=who, status=request.GET.get("status", "")),
        "kinds": validation.KINDS, "severities": validation.SEVERITIES,
        "categories": selectors.data_categories(),
        "staff": selectors.staff_choices(actor=who),
        "alert": request.GET.get("alert", "")})


@require_POST
@console_view
def incident_open(request):
    row = services.incident_open(
        actor=actor(request), kind=request.POST.get("kind", ""),
        severity=request.POST.get("severity", ""), title=request.POST.get("title", ""),
        owner_id=request.POST.get("owner_id", ""), aware_at=request.POST.get("aware_at", ""),
        high_risk=request.POST.get("high_risk") == "on",
        categories=request.POST.getlist("categories"), alert_ids=_list(request, "alert_ids"),
        ticket_ids=_list(request, "ticket_ids"), customer_ids=_list(request, "customer_ids"))
    messages.success(request, f"Incident {row.pk} is open.")
    return redirect("console:incident", row.pk)


@require_GET
@console_view
def incident_detail(request, incident_id):
    who = actor(request)
    d = selectors.incident_detail(actor=who, incident_id=incident_id)
    return render(request, "console/incident.html", {
        "d": d, "r": d.row, "statuses": services.ORDER, "severities": validation.SEVERITIES,
        "categories": selectors.data_categories(), "staff": selectors.staff_choices(actor=who)})


@require_POST
@console_view
def incident_update(request, incident_id):
    post = request.POST
    services.incident_update(
        actor=actor(request), incident_id=incident_id, status=post.get("status") or None,
        severity=post.get("severity") or None,
        high_risk=(post.get("high_risk") == "on") if "risk_shown" in post else None,
        categories=post.getlist("categories") if "categories_shown" in post else None,
        owner_id=post.get("owner_id") or None)
    messages.success(request, "The incident is updated.")
    return redirect("console:incident", incident_id)


@require_POST
@console_view
def incident_link(request, incident_id):
    services.incident_link(actor=actor(request), incident_id=incident_id,
                           alert_ids=_list(request, "alert_ids"),
                           ticket_ids=_list(request, "ticket_ids"),
                           customer_ids=_list(request, "customer_ids"))
    messages.success(request, "Linked.")
    return redirect("console:incident", incident_id)


@require_POST
@console_view
def step_done(request, incident_id, step_id):
    step = services.step_done(actor=actor(request), incident_id=incident_id, step_id=step_id)
    messages.success(request, f"Step {step.position} is done.")
    return redirect("console:incident", incident_id)


@require_POST
@console_view
def step_act(request, incident_id, step_id):
    step = actions.step_act(actor=actor(request), incident_id=incident_id, step_id=step_id,
                            user_ids=request.POST.getlist("user_ids"))
    counts = step.result.get("totals") or {}
    done = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items())
    messages.success(request, f"Step {step.position} is carried out"
                              + (f" ({done})." if done else "."))
    return redirect("console:incident", incident_id)


@require_POST
@console_view
def notice_record(request, incident_id, clock):
    c = notices.notice_record(actor=actor(request), incident_id=incident_id, clock_kind=clock,
                              recipient=request.POST.get("recipient", ""),
                              reference=request.POST.get("reference", ""),
                              sent_at=request.POST.get("sent_at") or None)
    messages.success(request, f"The {c.kind} notice is recorded as sent.")
    return redirect("console:incident", incident_id)


@require_POST
@console_view
def report_save(request, incident_id):
    services.report_save(actor=actor(request), incident_id=incident_id,
                         **{f: request.POST.get(f) for f in services.REPORT_FIELDS})
    messages.success(request, "The report is saved.")
    return redirect("console:incident", incident_id)


@require_GET
@console_view
def report_download(request, incident_id, fmt):
    kind, body, name = report.report_export(actor=actor(request), incident_id=incident_id,
                                            fmt=fmt)
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@console_view
def bulletin_list(request):
    return render(request, "console/bulletins.html",
                  {"rows": bulletins.bulletin_list(actor=actor(request))})


@require_POST
@console_view
def bulletin_publish(request):
    b = bulletins.bulletin_publish(actor=actor(request), title=request.POST.get("title", ""),
                                   body=request.POST.get("body", ""),
                                   incident_id=request.POST.get("incident_id") or None,
                                   near_miss=request.POST.get("near_miss") == "on")
    messages.success(request, f"Bulletin {b.id} is published to the team.")
    return redirect("console:bulletins")


@require_POST
@console_view
def bulletin_acknowledge(request, bulletin_id):
    bulletins.bulletin_acknowledge(actor=actor(request), bulletin_id=bulletin_id)
    messages.success(request, "Thank you: the bulletin is marked as read.")
    return redirect("console:bulletins")


@require_GET
@console_view
def bulletin_receipts(request, bulletin_id):
    return render(request, "console/bulletin_receipts.html",
                  {"r": bulletins.bulletin_receipts(actor=actor(request),
                                                    bulletin_id=bulletin_id)})
