"""Reveal-with-reason in the console, and the security officer's list of access alerts.

A masked field carries a small form (reason, and for a customer the agent has no ticket
for, "break the glass"); htmx posts it and swaps in the revealed value. The revealed
fragment asks for the masked one again after ``ACCESS_REVEAL_SECONDS`` (htmx's
``load delay``), so the value goes back under the mask without any script of ours.
Without htmx the same form posts normally and gets a small page.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from trustdesk.access import policy
from trustdesk.access import selectors as access
from trustdesk.accounts.errors import ReauthenticationRequired
from trustdesk.console.views.base import actor, console_view, denied
from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.customers import reveal
from trustdesk.customers import selectors as customer_selectors
from trustdesk.customers.errors import VerificationRequired


class RevealForm(forms.Form):
    reason = forms.CharField(min_length=reveal.REASON_MIN, max_length=reveal.REASON_MAX,
                             strip=True)
    break_glass = forms.BooleanField(required=False)


def fragment(request, template: str, context: dict, status: int = 200,
             page: str = "console/reveal_page.html"):
    if request.headers.get("HX-Request"):
        # htmx swaps only successful responses; a refusal is a fragment to show too,
        # so htmx gets it with 200 and the real status in a header of its own.
        response = render(request, template, context)
        response["X-TrustDesk-Status"] = str(status)
        return response
    # No htmx: the same fragment on a page of its own, with the real status.
    context = {**context, "fragment": template}
    return render(request, page, context, status=status)


def _field_context(request, customer_id, field: str) -> dict:
    decision, value = reveal.customer_field_masked(actor=actor(request),
                                                   customer_id=customer_id, field=field)
    return {"customer_id": customer_id, "name": field, "value": value,
            "decision": decision, "form": RevealForm(),
            "can_reveal": policy.has_permission(actor(request), "customer.reveal")}


@require_GET
@console_view
def field_masked(request, customer_id, field):
    """The field as the person sees it without a reveal (what a reveal turns back into)."""
    return fragment(request, "console/_field_masked.html",
                     _field_context(request, customer_id, field))


@require_POST
@console_view
def field_reveal(request, customer_id, field):
    form = RevealForm(request.POST)
    if not form.is_valid():
        context = _field_context(request, customer_id, field)
        context["form"] = form
        return fragment(request, "console/_field_masked.html", context, status=400)
    try:
        revealed = reveal.customer_reveal(
            actor=actor(request), customer_id=customer_id, field=field,
            reason=form.cleaned_data["reason"],
            break_glass=form.cleaned_data["break_glass"],
            verification_override=request.POST.get("verification_override") or None)
    except ReauthenticationRequired:
        back = reverse("console:customer", args=[customer_id])
        return fragment(request, "console/_field_reauth.html",
                         {"next": back, "name": field}, status=403)
    except ValidationError as exc:
        context = _field_context(request, customer_id, field)
        form.add_error("reason", exc.message)
        context["form"] = form
        return fragment(request, "console/_field_masked.html", context, status=400)
    except PermissionDenied as exc:
        denied(request, exc)
        context = _field_context(request, customer_id, field)
        form.add_error("reason", exc.message)
        context["form"] = form
        context["verify_needed"] = isinstance(exc, VerificationRequired)
        return fragment(request, "console/_field_masked.html", context, status=403)
    return fragment(request, "console/_field_revealed.html", {
        "customer_id": customer_id, "name": field, "revealed": revealed,
        "seconds": reveal.reveal_seconds()})


@require_GET
@console_view
def alert_list(request):
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    page = access.alert_list(actor=actor(request), page=page_number)
    names = customer_selectors.customer_names_shown(
        actor=actor(request), customer_ids=[a.customer_id for a in page.items], where="alerts")
    rows = [(a, names.get(a.customer_id) if a.customer_id else None) for a in page.items]
    return render(request, "console/alerts.html", {"page": page, "rows": rows})
