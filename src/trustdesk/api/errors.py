"""The API's half of the error tree: ``TrustDeskError`` → HTTP status, mapped once."""

from __future__ import annotations

import logging

from django.http import JsonResponse

from trustdesk.core import errors

log = logging.getLogger("trustdesk.api")

STATUS = (
    (errors.AuthenticationFailed, 401),
    (errors.PermissionDenied, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Gone, 410),
    (errors.PayloadTooLarge, 413),
    (errors.RateLimited, 429),
    (errors.ValidationError, 400),
    (errors.Unavailable, 503),
    (errors.ConfigurationError, 500),
)


def status_for(exc: errors.TrustDeskError) -> int:
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict | None = None, extra: dict | None = None) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": message, "field": field, **(extra or {})}},
        status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def from_exception(exc: errors.TrustDeskError, *, path: str = "") -> JsonResponse:
    status = status_for(exc)
    if exc.detail or status >= 500:
        # The specifics go to the log, never to the caller.
        log.warning("%s %s: %s", exc.code, path, exc.detail or exc.message)
    retry = getattr(exc, "retry_after", None)
    # An error that guides the caller says how (a verification gate: the level needed
    # and the level held); nothing else beyond code, message and field goes out.
    extra = {k: v for k, v in exc.as_dict().items() if k in _GUIDES}
    return error_response(status, exc.code, exc.message, exc.field,
                          headers={"Retry-After": str(retry)} if retry else None,
                          extra=extra)


_GUIDES = frozenset({"needed", "held"})
