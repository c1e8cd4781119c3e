"""Report phishing: the agent's button on a ticket, and the security officer's page of
reports with each team's report rate (one flow with the API: ``mailgateway.reports``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.mailgateway import reports


@require_POST
@console_view
def ticket_report(request, ticket_id: int):
    reports.report_phishing(actor=actor(request), ticket_id=ticket_id,
                            reason=request.POST.get("reason", ""))
    messages.success(request, f"Ticket #{ticket_id} was reported as phishing and taken out "
                              "of every queue. A security officer will look at it.")
    return redirect("console:tickets")


@require_GET
@console_view
def report_list(request):
    who = actor(request)
    state = request.GET.get("state") or "open"
    return render(request, "console/mail_reports.html", {
        "rows": reports.report_list(actor=who, state=None if state == "all" else state),
        "rates": reports.report_rate(actor=who), "state": state})


@require_POST
@console_view
def report_confirm(request, report_id: int):
    reports.report_decide(actor=actor(request), report_id=report_id, phishing=True)
    messages.success(request, "Confirmed as phishing: the ticket stays closed and out of "
                              "the queues.")
    return redirect("console:mail_reports")


@require_POST
@console_view
def report_release(request, report_id: int):
    reports.report_decide(actor=actor(request), report_id=report_id, phishing=False)
    messages.success(request, "Released: the ticket is back in its queue.")
    return redirect("console:mail_reports")
