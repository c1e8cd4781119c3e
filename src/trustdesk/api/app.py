"""The JSON API under /api/v1/. Endpoints parse input, call a service or selector, and
render; the error tree is mapped to HTTP here, once."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from trustdesk import __version__
from trustdesk.api import (
    access,
    audit,
    channels,
    consents,
    customers,
    incidents,
    insider,
    jobs,
    macros,
    mail_policy,
    mail_queue,
    mail_reports,
    mail_routes,
    meta,
    notifications,
    organisations,
    privacy_requests,
    processing,
    reports,
    retention,
    saved_views,
    sla,
    ticket_tools,
    tickets,
    verification,
)
from trustdesk.api.auth import BearerToken, ConsoleSession
from trustdesk.api.errors import error_response, from_exception
from trustdesk.audit.services import record_denied
from trustdesk.core.errors import PermissionDenied, TrustDeskError

api = NinjaAPI(
    title="TrustDesk API",
    version=__version__,
    description="Customers, tickets and messages. Authenticate with `Authorization: Bearer "
    "<token>` (create one with `trustdesk token create`) or the console session.",
    auth=[BearerToken(), ConsoleSession()],
    urls_namespace="api",
    docs_url=None,  # the interactive docs need inline script, which the CSP forbids
)
api.add_router("", customers.router)
api.add_router("", consents.router)
api.add_router("", ticket_tools.router)
api.add_router("", saved_views.router)
api.add_router("", macros.router)
api.add_router("", sla.router)
api.add_router("", notifications.router)
api.add_router("", organisations.router)
api.add_router("", verification.router)
api.add_router("", reports.router)
api.add_router("", tickets.router)
api.add_router("", meta.router)
api.add_router("", audit.router)
api.add_router("", access.router)
api.add_router("", jobs.router)
api.add_router("", mail_policy.router)
api.add_router("", mail_routes.router)
api.add_router("", channels.router)
api.add_router("", mail_queue.router)
api.add_router("", mail_reports.router)
api.add_router("", privacy_requests.router)
api.add_router("", processing.router)
api.add_router("", retention.router)
api.add_router("", incidents.router)
api.add_router("", insider.router)


@api.exception_handler(TrustDeskError)
def _trustdesk_error(request, exc: TrustDeskError):
    if isinstance(exc, PermissionDenied) and getattr(request, "actor", None):
        record_denied(actor=request.actor, action="access.denied", path=request.path,
                      permission=exc.permission)
    return from_exception(exc, path=request.path)


def _loc(error: dict) -> str | None:
    parts = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path",
                                                              "payload", "query")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    field = _loc(first)
    if first.get("type") == "extra_forbidden":
        message = f"Unknown field '{field}'."
    elif first.get("type") == "json_invalid" or "parse" in str(first.get("msg", "")).lower():
        message = "The request body is not valid JSON."
    else:
        message = f"{field}: {first.get('msg', 'invalid value')}" if field else str(
            first.get("msg", "The input is not valid."))
    return error_response(400, "invalid", message, field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(401, "unauthenticated", "Authentication required.",
                          headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # The router's only 400 of its own: a body that is not JSON.
        return error_response(400, "bad_request", "The request body is not valid JSON.")
    return error_response(exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error_response(413, "too_large", "The request body is too large.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", "Not found.")
