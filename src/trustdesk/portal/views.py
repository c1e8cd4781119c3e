"""The public pages: no sign-in, no session, no agent-side information, no script.

Each page picks its language per request (``?lang=``, else the language cookie or
Accept-Language, else English) and renders inside that choice only: no middleware
changes the language, so the console's pages stay as they are. Templates are rendered
without the request's context processors, so nothing about a signed-in visitor (the
console's navigation, their permissions) can reach a public page.
"""

from __future__ import annotations

from functools import wraps

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

from trustdesk.portal import facts, securitytxt

# Stricter than the console's: no script at all, no connections, no forms.
PUBLIC_CSP = {
    "default-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
}
SUPPORTED = tuple(code for code, _ in settings.LANGUAGES)


def choose_language(request) -> str:
    asked = request.GET.get("lang", "")
    if asked in SUPPORTED:
        return asked
    found = translation.get_language_from_request(request)
    return found if found in SUPPORTED else settings.LANGUAGE_CODE


def public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        lang = choose_language(request)
        with translation.override(lang):
            response = view(request, lang, *args, **kwargs)
        response["Content-Language"] = lang
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response
    return csp(PUBLIC_CSP)(wrapper)


@public_page
def trust(request, lang: str):
    context = {"facts": facts.gather(), "lang": lang,
               "other": [(code, name) for code, name in settings.LANGUAGES if code != lang]}
    return HttpResponse(render_to_string("portal/trust.html", context))


@csp(PUBLIC_CSP)
def security_txt(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    text = securitytxt.render()
    if text is None:
        raise Http404("no security contact is configured")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
