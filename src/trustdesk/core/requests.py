"""Each request's identity in the log and in the metrics.

``RequestMiddleware`` runs first: it takes the request id a proxy sent (``X-Request-ID``,
if it is 1–64 characters of letters, digits, ``-``, ``_``, ``.``, ``:``; anything else is
replaced, never echoed), or makes one; returns it in the response's ``X-Request-ID``;
and puts it on every log record written while the request is handled (``RequestFilter``,
which the logging configuration attaches to its handler). When the response is ready it
writes one access record — method, route, status, duration, the actor's user id — and
counts the request (``core.metrics``).

What is logged is chosen so that no customer data can reach the log: the route is the
URL pattern that answered, not the path (which can carry an id) and never the query
string (which can carry a searched value); the actor is a number, never an address.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from trustdesk.core import metrics

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("trustdesk.request")

# What the log knows of the request being handled in this thread or task.
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("trustdesk_request",
                                                                      default=None)
FIELDS = ("request_id", "method", "route", "status", "duration_ms", "actor_id")


def current() -> dict:
    return _context.get() or {}


def request_id_from(value: str | None) -> str:
    """The incoming id if it is well-formed, else a new one (a UUID's 32 hex digits)."""
    if value and _VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestFilter(logging.Filter):
    """Copies the current request's fields onto each record (``None`` outside one), so
    that formatters can name them whether or not the record was written in a request.

    Django's own records name the request's path (``Not Found: /customers/…``); the
    path is replaced by the route there, as everywhere else in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = current()
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, ctx.get(name))
        if ctx and isinstance(record.args, tuple) and record.args:
            shown = {ctx["_path"]: ctx.get("route") or "unmatched",
                     ctx["_method"]: ctx["method"]}
            record.args = tuple(shown.get(a, a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def route_of(request) -> str:
    """The URL pattern that answered, or a fixed name for what no pattern answered."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    from django.conf import settings

    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def actor_id_of(request) -> int | None:
    actor = getattr(request, "actor", None)  # the API's (a bearer token or a session)
    if actor is not None and getattr(actor, "user_id", None) is not None:
        return actor.user_id
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        # A method is a client's word like any other: logged only if it is a known one.
        method = request.method if request.method in metrics.METHODS else "other"
        token = _context.set({"request_id": request_id, "method": method,
                              "_path": request.path, "_method": request.method})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics.observe_request(request.method, route, response.status_code, seconds)
            # Filled in only now: records written during the request carry the id; the
            # access record below carries the outcome too.
            status = response.status_code
            log.log(logging.INFO if status < 400 else logging.WARNING if status < 500
                    else logging.ERROR, "request", extra={
                        "route": route, "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "actor_id": actor_id_of(request)})
            # Django would log a refusal again after this middleware, outside the
            # request and with its path ("Not Found: /…"); this record says it already.
            response._has_been_logged = True
            return response
        finally:
            _context.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Known once the URL resolved: records written by the view name the route.
        current()["route"] = route_of(request)
