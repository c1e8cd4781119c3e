"""Keeps the API's contract at its boundary, whatever happens underneath.

- A body larger than the limit is refused with 413 before it is read.
- Every error response under ``/api/`` is the JSON error body, including the plain
  404, 405 and 500 pages that Django or the router would otherwise produce.
- A path answers with or without a trailing slash (``/api/v1/tickets/`` is
  ``/api/v1/tickets``): the routes are written without one, and a client that adds it
  gets the same endpoint, not a 404, and no redirect that would drop a POST's body.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404

from trustdesk.api.errors import error_response

log = logging.getLogger("trustdesk.api")

_GENERIC = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthenticated", "Authentication required."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request is too large."),
    500: ("server_error", "Something went wrong on our side."),
}

_DJANGO_HANDLED = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)


class ApiBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        path = request.path_info
        if path.endswith("/") and path.rstrip("/").count("/") >= 3:  # below /api/v1/
            request.path_info = path.rstrip("/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "bad_request", "Invalid Content-Length header.")
        if length > settings.API_MAX_BODY_BYTES:
            return error_response(413, "too_large", "The request body is too large.")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            code, message = _GENERIC.get(response.status_code, _GENERIC[500 if
                                         response.status_code >= 500 else 400])
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
            return error_response(response.status_code, code, message, headers=headers)
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/") or isinstance(exception, _DJANGO_HANDLED):
            # Django turns these into 400/403/404 responses, which __call__ then renders
            # as JSON errors; they are not server errors.
            return None
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, *_GENERIC[500])
