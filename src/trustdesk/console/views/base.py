"""What every console view shares: sign-in, the actor, and the console's half of the
error tree (``TrustDeskError`` → a page or a message, mapped once)."""

from __future__ import annotations

import functools
import logging

from allauth.core.exceptions import ReauthenticationRequired as _AskAgain
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.services import record_denied
from trustdesk.core.actor import Actor
from trustdesk.core.errors import (
    Gone,
    NotFound,
    PermissionDenied,
    ReauthenticationRequired,
    TrustDeskError,
    Unavailable,
)

log = logging.getLogger("trustdesk.console")


def actor(request) -> Actor:
    return actor_for_user(request.user, request=request)


def denied(request, exc: PermissionDenied) -> None:
    """The console's one place that records a refusal: in the log, and in the audit
    trail with the missing permission. Every view that answers a ``PermissionDenied``
    itself (an htmx fragment) calls it too."""
    log.info("console denied %s: %s", request.path, exc.detail or exc.message)
    record_denied(actor=actor(request), action="access.denied", path=request.path,
                  permission=exc.permission)


def console_view(view):
    """Require sign-in; turn NotFound into the 404 page and PermissionDenied into 403.
    Any other domain error becomes a message on the page the person came from."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return render(request, "console/error.html",
                          {"title": "Not found", "text": "There is nothing here, or it is not "
                           "yours to see."}, status=404)
        except Unavailable as exc:
            # Keys, HSM or keystore unavailable, or a ciphertext failed its check: refuse.
            log.error("console refused %s: %s %s", request.path, exc.code, exc.detail)
            return render(request, "console/error.html",
                          {"title": "Protected data unavailable",
                           "text": f"{exc.message} Nothing was shown. Please try again "
                           "shortly; the incident has been logged."}, status=503)
        except Gone as exc:
            return render(request, "console/error.html",
                          {"title": "Erased", "text": exc.message}, status=410)
        except ReauthenticationRequired:
            # The service decided; allauth's middleware keeps this request (a POST with
            # its input), asks for the password or second factor, then replays it.
            raise _AskAgain() from None
        except PermissionDenied as exc:
            denied(request, exc)
            return render(request, "console/error.html",
                          {"title": "Not allowed", "text": exc.message}, status=403)
        except TrustDeskError as exc:
            if exc.detail:
                log.warning("%s on %s: %s", exc.code, request.path, exc.detail)
            messages.error(request, exc.message)
            return redirect(back_to(request))

    return wrapper


def back_to(request) -> str:
    """Where to send a person after a refused action: a ``next`` the request names, if
    it stays on this site; else the nearest console page above the request's own path
    (``/tickets/5/reply/`` → ``/tickets/5/``); else home. Never the ``Referer``, which
    the previous page — any site — chooses."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    parts = [p for p in request.path.split("/") if p]
    while parts:
        parts.pop()  # never the path itself: a GET that failed would fail again
        candidate = "/" + "".join(f"{p}/" for p in parts)
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.namespace == "console":
            return candidate
    return reverse("console:home")


def form_error(form, exc: TrustDeskError) -> None:
    """Attach a domain validation error to the form field it names (or the whole form).
    A request for re-authentication is no input error: it goes on to ``console_view``,
    which asks for the password and replays the form."""
    if isinstance(exc, ReauthenticationRequired):
        raise exc
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
