"""The portal's "Your consents" page: what the signed-in customer agreed to (what for,
when, how) and objected to, with a button to withdraw each consent, give one, or object
to what we do on legitimate interests.

Only a consent's id or a purpose's name travels in the form; whose it is comes from the
session (``customers.consent`` finds a consent only among the customer's own). Each
POST counts as a portal write and redirects, so a reload posts nothing twice; a second
withdrawal of the same consent says so and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from trustdesk.core.errors import Conflict, NotFound, RateLimited, TrustDeskError
from trustdesk.customers import consent, consent_selectors
from trustdesk.portal import words
from trustdesk.portal.help import _back, _page, _retry_after, help_page

PAGE = "portal/help_consents.html"
HOW = {
    "portal": pgettext_lazy("customer portal", "in this portal"),
    "phone": pgettext_lazy("customer portal", "told us on the phone"),
    "email": pgettext_lazy("customer portal", "by email"),
    "letter": pgettext_lazy("customer portal", "by letter"),
    "in_person": pgettext_lazy("customer portal", "in person"),
    "web_form": pgettext_lazy("customer portal", "on a web form of ours"),
    "imported": pgettext_lazy("customer portal", "brought over from another system of ours"),
    "request": pgettext_lazy("customer portal", "in a privacy request"),
}


def _error(exc: TrustDeskError) -> str:
    if isinstance(exc, RateLimited):
        return pgettext("customer portal", "You have written to us many times in the last "
                        "hour. Please try again later.")
    if isinstance(exc, Conflict):
        return pgettext("customer portal", "That was done already: nothing changed.")
    return pgettext("customer portal", "That did not work. Please try again.")


def _rows(customer):
    out = []
    for s in consent_selectors.my_consents(actor=customer):
        c, o = s.consent, s.objection
        out.append({
            "name": s.purpose.name, "label": s.purpose.label,
            "description": s.purpose.description, "consent_based":
            s.purpose.legal_basis == "consent", "objectable": s.purpose.objectable,
            "legal_basis": words.label(words.LEGAL_BASES, s.purpose.legal_basis),
            "consent": c, "consent_how": str(HOW.get(c.method, c.method)) if c else "",
            "objection": o, "objection_how": str(HOW.get(o.method, o.method)) if o else "",
            "allowed": s.allowed,
            "withdrawn": [(h, str(HOW.get(h.withdrawal_method, h.withdrawal_method)))
                          for h in s.history if h.withdrawn_at is not None]})
    return out


@help_page(signed_in=True, methods=("GET", "HEAD", "POST"))
def consents(request, lang):
    if request.method != "POST":
        return _page(request, lang, PAGE, {"rows": _rows(request.customer)})
    action, who = request.POST.get("action", ""), request.customer
    try:
        if action == "withdraw":
            consent.consent_withdraw(actor=who, customer_id=who.customer_id,
                                     consent_id=request.POST.get("consent", ""))
        elif action == "give":
            consent.consent_give(actor=who, customer_id=who.customer_id,
                                 purpose=request.POST.get("purpose", ""))
        elif action == "object":
            consent.object_to(actor=who, customer_id=who.customer_id,
                              purpose=request.POST.get("purpose", ""))
        else:
            raise NotFound()
    except NotFound:
        raise
    except TrustDeskError as exc:
        status = 429 if isinstance(exc, RateLimited) else 409 if isinstance(
            exc, Conflict) else 400
        return _retry_after(_page(request, lang, PAGE, {
            "rows": _rows(who), "error": _error(exc)}, status=status), exc)
    return _back(lang, "/help/consents/")
