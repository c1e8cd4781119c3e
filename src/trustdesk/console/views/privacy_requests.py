"""Privacy requests for privacy officers (``privacy_request.view``): the kind, the state
and the legal clock (docs/dsr.md); never the customer's words (they are sealed, and
fulfilling a request is its own use case). Filing on a customer's behalf, extending,
pausing, resuming and closing post to the services of ``customers.dsr``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.console.views.base import actor, console_view
from trustdesk.customers import dsr, requests


@require_GET
@console_view
def request_list(request):
    return render(request, "console/privacy_requests.html",
                  {"rows": requests.request_list(actor=actor(request)),
                   "kinds": dsr.KINDS})


@require_POST
@console_view
def request_file(request):
    who = actor(request)
    row = dsr.dsr_file(actor=who, customer_id=request.POST.get("customer_id", ""),
                       kind=request.POST.get("kind", ""))
    messages.success(request, f"Request {row.id} is filed; due {row.due_at:%Y-%m-%d %H:%M} UTC.")
    # Agents file from the customer's page and do not see the officers' list.
    if policy.has_permission(who, "privacy_request.view"):
        return redirect("console:privacy_requests")
    return redirect("console:customer", row.customer_id)


def _act(use_case, done: str):
    @require_POST
    @console_view
    def view(request, request_id):
        kwargs = {"reason": request.POST.get("reason", "")} if use_case is dsr.dsr_extend \
            else {}
        row = use_case(actor=actor(request), request_id=request_id, **kwargs)
        messages.success(request, f"Request {row.id} {done}.")
        return redirect("console:privacy_requests")
    view.__name__ = use_case.__name__
    return view


request_extend = _act(dsr.dsr_extend, "is extended")
request_pause = _act(dsr.dsr_pause, "is paused until the requester is verified")
request_resume = _act(dsr.dsr_resume, "runs again")
request_close = _act(dsr.dsr_close, "is closed")
