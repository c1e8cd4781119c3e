"""Privacy requests for privacy officers (``privacy_request.view``): the queue with the
kind, the state and the legal clock, and one request's page with its timeline
(docs/dsr.md); never the customer's words (they are sealed). Filing on a customer's
behalf, confirming the requester's identity, extending, pausing, resuming and closing
post to ``customers.dsr``; carrying a request out or refusing it to ``dsr.services``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.console.views.base import actor, console_view
from trustdesk.customers import dsr, requests
from trustdesk.dsr import selectors as dsr_selectors
from trustdesk.dsr import services as fulfilment


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
        return _back(request, row.id)
    view.__name__ = use_case.__name__
    return view


request_extend = _act(dsr.dsr_extend, "is extended")
request_pause = _act(dsr.dsr_pause, "is paused until the requester is verified")
request_resume = _act(dsr.dsr_resume, "runs again")
request_close = _act(dsr.dsr_close, "is closed")


def _back(request, request_id):
    """To the request's own page when the step was taken there, else to the queue."""
    if request.POST.get("from") == "detail":
        return redirect("console:privacy_request", request_id)
    return redirect("console:privacy_requests")


@require_GET
@console_view
def request_detail(request, request_id):
    from trustdesk.privacy.inventory import get_inventory

    detail = dsr_selectors.request_detail(actor=actor(request), request_id=request_id)
    return render(request, "console/privacy_request.html", {
        "d": detail, "r": detail.row, "exemptions": fulfilment.EXEMPTIONS,
        "fields": [(f.name, f.label) for f in get_inventory().fields]})


@require_POST
@console_view
def request_identity(request, request_id):
    override = request.POST.get("override_reason", "").strip() or None
    row = dsr.dsr_confirm_identity(actor=actor(request), request_id=request_id,
                                   override_reason=override)
    messages.success(request, f"Request {row.id}: the requester's identity is confirmed.")
    return redirect("console:privacy_request", row.id)


@require_POST
@console_view
def request_fulfil(request, request_id):
    # A correction arrives as rows of field and new value (an empty value removes it).
    names, values = request.POST.getlist("field"), request.POST.getlist("value")
    changes = {n: (v.strip() or None) for n, v in zip(names, values, strict=False) if n}
    row = fulfilment.dsr_fulfil(actor=actor(request), request_id=request_id,
                                changes=changes, purpose=request.POST.get("purpose", ""))
    messages.success(request, f"Request {row.id} is fulfilled and closed.")
    return redirect("console:privacy_request", row.id)


@require_POST
@console_view
def request_refuse(request, request_id):
    row = fulfilment.dsr_refuse(actor=actor(request), request_id=request_id,
                                exemption=request.POST.get("exemption", ""),
                                reason=request.POST.get("reason", ""))
    messages.success(request, f"Request {row.id} is refused and closed; tell the requester "
                              "why.")
    return redirect("console:privacy_request", row.id)


@require_POST
@console_view
def restriction_lift(request, request_id):
    row = fulfilment.lift_restriction_of(actor=actor(request), request_id=request_id,
                                         reason=request.POST.get("reason", ""))
    messages.success(request, "The restriction is lifted.")
    return redirect("console:privacy_request", row.id)
