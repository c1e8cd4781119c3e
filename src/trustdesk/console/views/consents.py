"""The customer page's consents: record consent the customer gave on the phone or by
mail, withdraw it, record an objection. The services decide; errors become messages
on the customer page (``console_view``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from trustdesk.access import policy
from trustdesk.console.views.base import actor, console_view
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import consent, consent_selectors


def section(a: Actor, customer_id) -> dict:
    """The customer page's context for the section: nothing for one who may not see it,
    or who does not serve this customer (the page itself says what they may see)."""
    if not policy.has_permission(a, "consent.view"):
        return {}
    try:
        states = consent_selectors.consent_list(actor=a, customer_id=customer_id)
    except (PermissionDenied, NotFound):
        return {}
    return {"consents": [{"state": s, "history": [
                (c, consent_selectors.shown_wording(c)) for c in s.history]} for s in states],
            "can_manage_consent": policy.has_permission(a, "consent.manage"),
            "consent_methods": consent.STAFF_METHOD_CHOICES}


def _back(customer_id):
    return redirect(f"/customers/{customer_id}/#consents")


@require_POST
@console_view
def consent_give(request, customer_id):
    consent.consent_give(actor=actor(request), customer_id=customer_id,
                         purpose=request.POST.get("purpose", ""),
                         how=request.POST.get("how", ""),
                         wording=request.POST.get("wording") or None)
    messages.success(request, "Consent recorded.")
    return _back(customer_id)


@require_POST
@console_view
def consent_withdraw(request, customer_id, consent_id):
    consent.consent_withdraw(actor=actor(request), customer_id=customer_id,
                             consent_id=consent_id, how=request.POST.get("how", ""))
    messages.success(request, "Consent withdrawn.")
    return _back(customer_id)


@require_POST
@console_view
def objection_record(request, customer_id):
    consent.object_to(actor=actor(request), customer_id=customer_id,
                      purpose=request.POST.get("purpose", ""),
                      how=request.POST.get("how", ""))
    messages.success(request, "Objection recorded: that processing stops for the customer.")
    return _back(customer_id)
