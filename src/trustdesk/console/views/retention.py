"""Retention enforcement for privacy officers (docs/privacy.md): the runs with their
preview and progress, a new preview, its approval, and legal holds. Counts and ids only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.core.errors import ValidationError
from trustdesk.retention import holds, selectors, services


@require_GET
@console_view
def retention_page(request):
    who = actor(request)
    runs = selectors.run_list(actor=who)
    return render(request, "console/retention.html", {
        "runs": runs, "proposed": next((r for r in runs if r.status == "proposed"), None),
        "holds": selectors.hold_list(actor=who)})


@require_POST
@console_view
def retention_preview(request):
    run = services.preview(actor=actor(request))
    messages.success(request, f"Run {run.pk} previewed: approve it to delete what it counts.")
    return redirect("console:retention")


@require_POST
@console_view
def retention_approve(request, run_id):
    services.approve(actor=actor(request), run_id=run_id)
    messages.success(request, f"Run {run_id} approved: it runs in the background.")
    return redirect("console:retention")


@require_POST
@console_view
def hold_set(request):
    try:
        customer_id = uuid.UUID(request.POST.get("customer_id", "").strip())
    except ValueError:
        raise ValidationError("Give the customer's id.", field="customer_id") from None
    ticket = request.POST.get("ticket_id", "").strip().lstrip("#")
    if ticket and not ticket.isdigit():
        raise ValidationError("A ticket is given by its number.", field="ticket_id")
    holds.hold_set(actor=actor(request), customer_id=customer_id,
                   ticket_id=int(ticket) if ticket else None,
                   reason=request.POST.get("reason", ""))
    messages.success(request, "The hold is set: retention deletes nothing it keeps.")
    return redirect("console:retention")


@require_POST
@console_view
def hold_release(request, hold_id):
    holds.hold_release(actor=actor(request), hold_id=hold_id)
    messages.success(request, "The hold is released.")
    return redirect("console:retention")
