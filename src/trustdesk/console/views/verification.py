"""Caller verification in the console: a panel on the ticket and the customer page
(state, methods, what each action needs), a challenge begun, an answer typed in; and
the customer's side of a link, a page that confirms only on a button press (a mail
scanner that opens links confirms nothing).

The panel guides: it says what to ask ("Ask the caller for the amount of their last
payment") and answers only "matches" or "does not match".
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.console.views.base import actor, console_view, denied
from trustdesk.console.views.reveal import fragment
from trustdesk.core.errors import Conflict, PermissionDenied, RateLimited, TrustDeskError
from trustdesk.customers.verified import ACTIONS, LEVELS
from trustdesk.verification import selectors, services

PANEL = "console/_verification.html"
PAGE = "console/verification_page.html"


def _panel(request, customer_id, **extra) -> dict:
    panel = selectors.verification_panel(actor=actor(request), customer_id=customer_id)
    gates = [(ACTIONS[a], level, LEVELS[level]) for a, level in panel.gates.items() if level]
    return {"customer_id": customer_id, "panel": panel, "gates": gates, **extra}


@require_GET
@console_view
def verification_panel(request, customer_id):
    if not policy.has_permission(actor(request), "customer.verify"):
        return fragment(request, PANEL, {"customer_id": customer_id, "forbidden": True},
                        page=PAGE)
    return fragment(request, PANEL, _panel(request, customer_id), page=PAGE)


@require_POST
@console_view
def verification_start(request, customer_id):
    try:
        started = services.challenge_start(actor=actor(request), customer_id=customer_id,
                                           method_name=request.POST.get("method", ""))
    except (Conflict, RateLimited, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            denied(request, exc)
        return fragment(request, PANEL, _panel(request, customer_id, error=exc.message),
                        status=_status(exc), page=PAGE)
    except TrustDeskError as exc:  # a code that could not be sent, a bad method
        return fragment(request, PANEL, _panel(request, customer_id, error=exc.message),
                        status=_status(exc), page=PAGE)
    return fragment(request, PANEL, _panel(request, customer_id, started=started),
                    page=PAGE)


@require_POST
@console_view
def verification_answer(request, customer_id, challenge_id):
    try:
        answered = services.challenge_answer(actor=actor(request),
                                             challenge_id=challenge_id,
                                             customer_id=customer_id,
                                             answer=request.POST.get("answer", ""))
    except TrustDeskError as exc:
        return fragment(request, PANEL, _panel(request, customer_id, error=exc.message),
                        status=_status(exc), page=PAGE)
    if answered.matches:
        result = "The answer matches."
    elif answered.attempts_left:
        result = (f"The answer does not match. {answered.attempts_left} "
                  f"attempt{'s' if answered.attempts_left > 1 else ''} left.")
    else:
        result = "The answer does not match, and no attempts are left: start again."
    extra = {"result": result, "matched": answered.matches}
    if not answered.matches and answered.attempts_left:
        extra["retry"] = challenge_id
    return fragment(request, PANEL, _panel(request, customer_id, **extra), page=PAGE)


def _status(exc: TrustDeskError) -> int:
    return {"forbidden": 403, "verification_required": 403, "rate_limited": 429,
            "conflict": 409, "not_found": 404, "invalid": 400}.get(exc.code, 503)


@never_cache
def link_confirm(request, token: str):
    """The customer's page for a verification link: no sign-in, nothing about them on
    it; confirmation only by POST (with the CSRF token of the page)."""
    context, status = {"token": token[:120]}, 200
    if request.method == "POST":
        if services.link_confirm(token=token[:120]):
            context["done"] = True
        else:
            context["error"], status = "This link is not valid any more.", 410
    return render(request, "console/verify_link.html", context, status=status)
