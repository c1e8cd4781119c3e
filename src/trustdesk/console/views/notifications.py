"""Notifications in the console, and following a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.tickets import notifications


@require_GET
@console_view
def notification_list(request):
    return render(request, "console/notifications.html", {
        "notes": notifications.notification_list(actor=actor(request), limit=100)})


@require_POST
@console_view
def notifications_read(request):
    ids = [i for i in request.POST.getlist("id") if i.isascii() and i.isdigit()][:200]
    notifications.mark_read(actor=actor(request), ids=ids or None)
    return redirect("console:notifications")


@require_POST
@console_view
def ticket_follow(request, ticket_id: int):
    following = notifications.ticket_follow(actor=actor(request), ticket_id=ticket_id,
                                            follow=request.POST.get("follow") == "1")
    messages.success(request, "You follow this ticket: you hear when the customer writes."
                     if following else "You no longer follow this ticket.")
    return redirect("console:ticket", ticket_id=ticket_id)
