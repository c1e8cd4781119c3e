"""The HTTP server ``trustdesk serve`` runs: waitress, with its own error answers in the
API's error body.

Waitress refuses some requests before the application sees them — a body over its
``max_request_body_size`` (checked against ``Content-Length`` as soon as the headers
are in, so the body is never read), headers too large, a malformed request line. Its
answers are plain text; under ``/api/`` a client is promised
``{"error": {"code", "message", "field"}}`` whatever fails, so those answers are
rewritten here. Elsewhere waitress's plain text stays.
"""

from __future__ import annotations

import json

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

_CODES = {
    400: ("bad_request", "The request is malformed."),
    413: ("too_large", "The request body is too large."),
    431: ("headers_too_large", "The request headers are too large."),
    500: ("server_error", "Something went wrong on our side."),
    501: ("not_implemented", "This request is not supported."),
}


class ApiErrorTask(ErrorTask):
    def execute(self):
        if not (getattr(self.request, "path", "") or "").startswith("/api/"):
            return super().execute()
        error = self.request.error
        code, message = _CODES.get(error.code, _CODES[500 if error.code >= 500 else 400])
        body = json.dumps({"error": {"code": code, "message": message, "field": None}},
                          separators=(",", ":")).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"),
                                      ("Cache-Control", "no-store")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        return None


class ApiErrorChannel(HTTPChannel):
    error_task_class = ApiErrorTask


def create(application, **options):
    """A waitress server for ``application`` (``waitress.create_server`` options) whose
    connections answer refusals under ``/api/`` with the JSON error body."""
    from waitress import create_server

    server = create_server(application, **options)
    # One listening socket is the server itself; several are inside a MultiSocketServer.
    listeners = [server] if hasattr(server, "channel_class") else [
        s for s in server.map.values() if hasattr(s, "channel_class")]
    for listener in listeners:
        listener.channel_class = ApiErrorChannel
    return server
