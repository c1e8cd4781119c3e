"""The mail gateway's queue: suspended mail with its verdicts, one message, release and
delete (one flow with the API: ``mailgateway.suspended``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.console.views.base import actor, console_view
from trustdesk.mailgateway import banners, suspended

STATES = ("suspended", "queued", "delivered", "ignored", "deleted", "failed")


@require_GET
@console_view
def mail_list(request):
    state = request.GET.get("state") or "suspended"
    rows = suspended.mail_list(actor=actor(request), state=None if state == "all" else state)
    return render(request, "console/mail_queue.html",
                  {"rows": rows, "state": state, "states": STATES})


@require_GET
@console_view
def mail_detail(request, mail_id):
    held = suspended.mail_get(actor=actor(request), mail_id=mail_id)
    return render(request, "console/mail_detail.html",
                  {"held": held, "mail": held.mail, "warnings": banners.texts(held.mail.checks)})


@require_POST
@console_view
def mail_release(request, mail_id):
    suspended.mail_release(actor=actor(request), mail_id=mail_id,
                           reason=request.POST.get("reason", ""))
    messages.success(request, "Released: the message goes through intake again.")
    return redirect("console:mail_queue")


@require_POST
@console_view
def mail_delete(request, mail_id):
    suspended.mail_delete(actor=actor(request), mail_id=mail_id,
                          reason=request.POST.get("reason", ""))
    messages.success(request, "Deleted: the message's content is destroyed.")
    return redirect("console:mail_queue")
