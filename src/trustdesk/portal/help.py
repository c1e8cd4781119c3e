"""The customer portal at /help/: sign in by a link to one's own address, one's tickets,
what we hold about one, privacy requests, and writing to us without signing in.

A front door like the others: each view parses the form, calls a service or selector of
the domain apps, and renders. The portal session is its own cookie (HttpOnly, SameSite
Lax, Secure in production), checked against its keyed hash on every request; a staff
session never counts, and the portal's cookie means nothing to the console. Pages are
rendered without the request's context processors (nothing about a signed-in member of
staff reaches them), under a CSP with no script whose forms post only to this site,
with CSRF on every form and the language chosen per request as on the trust page.
"""

from __future__ import annotations

from functools import wraps

from csp.constants import SELF
from csp.decorators import csp
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_protect

from trustdesk.core.errors import NotFound, RateLimited, TrustDeskError, ValidationError
from trustdesk.customers import portal as signin
from trustdesk.customers import portal_data, requests
from trustdesk.customers.errors import AddressRefused, TooManyWrites
from trustdesk.dsr.export_download import my_exports
from trustdesk.portal.views import PUBLIC_CSP, choose_language
from trustdesk.tickets import portal as tickets
from trustdesk.tickets.portal_contact import contact_confirm, contact_request
from trustdesk.verification.portal import my_verification

# The trust page's policy, with forms that post back to this site only.
HELP_CSP = {**PUBLIC_CSP, "form-action": [SELF]}
KINDS = ("access", "rectification", "erasure", "restriction", "objection")


def _error(exc: TrustDeskError) -> str:
    """What went wrong, in the page's language (the services' words are the staff's)."""
    if isinstance(exc, AddressRefused) and exc.reason == "ip_literal":
        return pgettext("customer portal", "Enter an address with a domain name, such as "
                        "name@example.com: we send mail to domain names, not to an IP "
                        "address.")
    if isinstance(exc, AddressRefused):
        return pgettext("customer portal", "Enter your address without a per cent sign (%) "
                        "or an exclamation mark (!) before the @: such addresses pass mail "
                        "on to another server, and we do not send to them.")
    if isinstance(exc, TooManyWrites):
        return pgettext("customer portal", "You have written to us many times in the last "
                        "hour. Please try again later; what you wrote is still below.")
    return {
        "email": pgettext("customer portal", "Enter your email address."),
        "subject": pgettext("customer portal", "Write a subject of at most 200 characters."),
        "body": pgettext("customer portal", "Write your message (it cannot be empty or too long)."),
        "kind": pgettext("customer portal", "Choose what you are asking for."),
        "details": pgettext("customer portal", "Please write at most 2000 characters."),
    }.get(exc.field or "", pgettext(
        "customer portal", "That did not work. Please check what you wrote and try again."))


def cookie_name() -> str:
    return "__Host-trustdesk_portal" if settings.SESSION_COOKIE_SECURE else "trustdesk_portal"


def help_page(*, signed_in: bool = False, methods=("GET", "HEAD")):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return HttpResponseNotAllowed(list(methods))
            lang = choose_language(request)
            request.customer = signin.session_actor(
                request.COOKIES.get(cookie_name(), ""), ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""))
            with translation.override(lang):
                if signed_in and request.customer is None:
                    response = HttpResponseRedirect(f"/help/?lang={lang}")
                else:
                    try:
                        response = view(request, lang, *args, **kwargs)
                    except NotFound:
                        response = _page(request, lang, "portal/help_error.html",
                                         {"missing": True}, status=404)
                    except RateLimited as exc:
                        response = _page(request, lang, "portal/help_error.html",
                                         {"limited": True}, status=429)
                        _retry_after(response, exc)
            response["Content-Language"] = lang
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
            return response
        return csp(HELP_CSP)(csrf_protect(wrapper))
    return decorate


def _page(request, lang, template, context=None, status=200) -> HttpResponse:
    context = {**(context or {}), "lang": lang, "csrf_token": get_token(request),
               "signed_in": getattr(request, "customer", None) is not None,
               "other": [(c, n) for c, n in settings.LANGUAGES if c != lang]}
    return HttpResponse(render_to_string(template, context), status=status)


def _retry_after(response: HttpResponse, exc: TrustDeskError) -> HttpResponse:
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _again(request, lang, template, context, exc: TrustDeskError) -> HttpResponse:
    """The form once more, with what was typed and what went wrong: 429 with
    ``Retry-After`` for a limit, 400 for the rest."""
    limited = isinstance(exc, RateLimited)
    return _retry_after(_page(request, lang, template, {**context, "error": _error(exc)},
                              status=429 if limited else 400), exc)


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _back(lang: str, path: str = "/help/") -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{path}?lang={lang}")


@help_page(methods=("GET", "HEAD", "POST"))
def home(request, lang):
    if request.customer is not None:
        return _page(request, lang, "portal/help_home.html",
                     {"tickets": tickets.my_tickets(actor=request.customer),
                      "requests": requests.my_requests(actor=request.customer),
                      "exports": my_exports(actor=request.customer),
                      "verification": my_verification(actor=request.customer)})
    if request.method == "POST":
        email = request.POST.get("email", "")
        try:
            signin.signin_request(email=email, ip=_ip(request))
        except ValidationError as exc:  # on the address's text alone: alike for anyone
            return _again(request, lang, "portal/help_signin.html", {"email": email}, exc)
        return _page(request, lang, "portal/help_sent.html")
    return _page(request, lang, "portal/help_signin.html")


@help_page(methods=("GET", "HEAD", "POST"))
def link(request, lang, token: str):
    """A sign-in link's page: GET only shows a button (a mail scanner's visit changes
    nothing); the POST from it signs in."""
    return _confirm(request, lang, token, contact=False)


@help_page(methods=("GET", "HEAD", "POST"))
def confirm(request, lang, token: str):
    """A contact form's confirmation link: the POST sends what was written."""
    return _confirm(request, lang, token, contact=True)


def _confirm(request, lang, token: str, *, contact: bool):
    if request.method != "POST":
        return _page(request, lang, "portal/help_link.html",
                     {"token": token, "contact": contact})
    if contact:
        session, ticket_id = contact_confirm(token=token, ip=_ip(request))
        response = _back(lang, f"/help/tickets/{ticket_id}/")
    else:
        session = signin.signin_confirm(token=token, ip=_ip(request))
        response = _back(lang)
    response.set_cookie(cookie_name(), session.cookie, expires=session.expires_at,
                        path="/", secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                        samesite="Lax")
    return response


@help_page(methods=("POST",))
def signout(request, lang):
    if request.customer is not None:
        signin.signout(actor=request.customer)
    response = _back(lang)
    response.delete_cookie(cookie_name(), path="/", samesite="Lax")
    return response


@help_page(signed_in=True)
def ticket(request, lang, ticket_id: int):
    return _page(request, lang, "portal/help_ticket.html",
                 {"c": tickets.my_ticket(actor=request.customer, ticket_id=ticket_id)})


@help_page(signed_in=True, methods=("POST",))
def answer(request, lang, ticket_id: int):
    try:
        tickets.my_ticket_answer(actor=request.customer, ticket_id=ticket_id,
                                 body=request.POST.get("body", ""))
    except NotFound:
        raise
    except TrustDeskError as exc:
        return _again(request, lang, "portal/help_ticket.html", {
            "c": tickets.my_ticket(actor=request.customer, ticket_id=ticket_id),
            "body": request.POST.get("body", "")}, exc)
    return _back(lang, f"/help/tickets/{ticket_id}/")


@help_page(signed_in=True, methods=("GET", "HEAD", "POST"))
def new_ticket(request, lang):
    form = {"subject": request.POST.get("subject", ""), "body": request.POST.get("body", "")}
    if request.method == "POST":
        try:
            ticket_id = tickets.my_ticket_open(actor=request.customer, **form)
        except TrustDeskError as exc:
            return _again(request, lang, "portal/help_new.html", {"form": form}, exc)
        return _back(lang, f"/help/tickets/{ticket_id}/")
    return _page(request, lang, "portal/help_new.html", {"form": form})


@help_page(signed_in=True)
def data(request, lang):
    return _page(request, lang, "portal/help_data.html",
                 {"fields": [_translated(f) for f in portal_data.my_data(
                     actor=request.customer)],
                  "exports": my_exports(actor=request.customer)})


def _translated(f):
    from trustdesk.portal import words

    return {"name": f.name, "label": f.label, "value": f.value, "masked": f.masked,
            "source": f.source, "purpose": f.purpose,
            "legal_basis": words.label(words.LEGAL_BASES, f.legal_basis),
            "retention": words.retention(f.retention)}


@help_page(signed_in=True, methods=("GET", "HEAD", "POST"))
def request_new(request, lang):
    if request.method == "POST":
        try:
            filed = requests.request_file(actor=request.customer,
                                          kind=request.POST.get("kind", ""),
                                          details=request.POST.get("details", ""))
        except TrustDeskError as exc:
            # Too many requests open: the limited page; too many writes: the form again.
            if isinstance(exc, NotFound) or (isinstance(exc, RateLimited)
                                             and not isinstance(exc, TooManyWrites)):
                raise
            return _again(request, lang, "portal/help_request.html",
                          {"kinds": KINDS, "details": request.POST.get("details", "")}, exc)
        return _page(request, lang, "portal/help_request_filed.html",
                     {"verified": filed.identity_verified})
    return _page(request, lang, "portal/help_request.html", {"kinds": KINDS})


@help_page(methods=("GET", "HEAD", "POST"))
def contact(request, lang):
    form = {k: request.POST.get(k, "") for k in ("email", "subject", "body")}
    if request.method == "POST":
        try:
            contact_request(**form, ip=_ip(request))
        except RateLimited:
            raise
        except TrustDeskError as exc:
            return _page(request, lang, "portal/help_contact.html",
                         {"form": form, "error": _error(exc)}, status=400)
        return _page(request, lang, "portal/help_sent.html", {"contact": True})
    return _page(request, lang, "portal/help_contact.html", {"form": form})
