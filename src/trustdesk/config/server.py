"""The HTTP server ``trustdesk serve`` runs: Granian's WSGI server, worker processes
sized to the CPUs, graceful reload (SIGHUP) and shutdown (SIGTERM, SIGINT).

Granian was chosen by measurement against gunicorn (sync and threaded workers) and
waitress (docs/deploy.md, "The HTTP server"). Its master process only supervises; each
worker imports ``worker_application``, which starts what a serving process runs beside
its requests (``process_started``) and wraps the Django application in ``BodyLimit``.

``BodyLimit`` answers a request whose declared body is over the server's limit from its
headers alone, before anything reads the body: a client that announces a terabyte and
sends nothing gets 413 at once instead of holding a worker. Under ``/api/`` the answer is
the API's error body (a client is promised ``{"error": {"code", "message", "field"}}``
whatever fails); elsewhere it is plain text. What Granian itself refuses before the
application sees it (a malformed request line, oversized headers) keeps Granian's answer.
"""

from __future__ import annotations

import json
import os

_TOO_LARGE = json.dumps({"error": {"code": "too_large",
                                   "message": "The request body is too large.",
                                   "field": None}}, separators=(",", ":")).encode()
_BAD_LENGTH = json.dumps({"error": {"code": "bad_request",
                                    "message": "Invalid Content-Length header.",
                                    "field": None}}, separators=(",", ":")).encode()


def default_workers() -> int:
    """Worker processes when ``--workers`` is not given: one per CPU this process may run
    on (a request is mostly CPU-bound Python; more processes than CPUs only queue)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class BodyLimit:
    """Refuse a declared body over ``limit`` bytes before it is read (see the module)."""

    def __init__(self, application, limit: int):
        self.application, self.limit = application, limit

    def __call__(self, environ, start_response):
        raw = environ.get("CONTENT_LENGTH") or "0"
        api = environ.get("PATH_INFO", "").startswith("/api/")
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return _refuse(start_response, "400 Bad Request", api, _BAD_LENGTH,
                           b"Invalid Content-Length header.")
        if length > self.limit:
            return _refuse(start_response, "413 Request Entity Too Large", api, _TOO_LARGE,
                           b"Request Entity Too Large")
        return self.application(environ, start_response)


def _refuse(start_response, status: str, api: bool, json_body: bytes, text: bytes):
    body = json_body if api else text
    start_response(status, [
        ("Content-Type", "application/json" if api else "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))), ("Cache-Control", "no-store"),
        ("Connection", "close")])
    return [body]


def body_limit() -> int:
    """The server's limit, a little over the API's own (``API_MAX_BODY_BYTES``, which
    answers first for sizes between the two), so the console's uploads fit too."""
    from django.conf import settings

    return settings.API_MAX_BODY_BYTES + 1024 * 1024


def process_started() -> None:
    """What every serving process runs beside its requests: the audit chainer, which
    links committed events into the hash chain as they come."""
    from trustdesk.audit import chain

    chain.start_background()


def _die_with_the_master() -> None:
    """On Linux, have the kernel stop this worker when its master process dies, even by
    SIGKILL: no orphan goes on serving from the inherited socket, unsupervised."""
    import ctypes
    import signal

    master = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the master's own shutdown must do
        return
    if os.getppid() != master:  # the master died before the request was in place
        os.kill(os.getpid(), signal.SIGTERM)


def worker_application():
    """The WSGI application of one worker process (Granian's factory target)."""
    from trustdesk.config.wsgi import application

    _die_with_the_master()
    process_started()
    return BodyLimit(application, body_limit())


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until SIGTERM or SIGINT, which let requests in flight finish (up to 30 s);
    SIGHUP starts fresh workers and retires the old ones once they are done."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "trustdesk.config.server:worker_application", factory=True,
        interface=Interfaces.WSGI, address=host, port=port, workers=workers,
        blocking_threads=threads, workers_kill_timeout=30, respawn_failed_workers=True,
        log_level=LogLevels.warning,
    ).serve()
