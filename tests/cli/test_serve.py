"""`trustdesk serve` on a fresh data directory: migrates, serves console, API and health."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.headers, response.read()  # any case
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture
def server(serving):
    _, base, data = serving
    return base, data


def _serve(tmp_path, **extra: str):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TRUSTDESK_DATA_DIR"] = str(tmp_path / "data")
    # The embedded SMTP listener, where serve starts it, on a port of its own (never
    # the default 2525 another server may hold).
    env["TRUSTDESK_SMTPD_LISTEN"] = f"127.0.0.1:{_free_port()}"
    env.update(extra)
    # To a file, not a pipe nobody reads: a full pipe would stop the server mid-test.
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "trustdesk.config.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        log.close()
        pytest.fail(f"server did not start: {(tmp_path / 'serve.log').read_text()}")
    yield proc, base, tmp_path / "data"
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)
    log.close()


@pytest.fixture
def serving(tmp_path):
    """``trustdesk serve`` on a fresh data directory, without the embedded worker (so
    that the server's children are its HTTP workers only)."""
    yield from _serve(tmp_path, TRUSTDESK_EMBEDDED_WORKER="off",
                      TRUSTDESK_SMTPD_IN_SERVE="off")


@pytest.fixture
def serving_with_worker(tmp_path):
    """``trustdesk serve`` as ``make run`` starts it: the embedded worker beside it."""
    yield from _serve(tmp_path)


def test_serve_migrates_and_serves(server):
    base, data = server
    assert (data / "trustdesk.sqlite3").exists()
    status, _, body = _get(f"{base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = _get(f"{base}/accounts/login/")
    assert status == 200 and b"Sign in" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    status, _, body = _get(f"{base}/api/v1/openapi.json")
    assert status == 200 and "/api/v1/tickets" in json.loads(body)["paths"]
    status, _, body = _get(f"{base}/api/v1/tickets")
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthenticated"
    status, _, _ = _get(f"{base}/static/console/app.css")
    assert status == 200


def _post_claiming(base: str, path: str, length: int):
    """POST with a ``Content-Length`` far over any limit, sending no body: the server
    must refuse on the headers alone."""
    import http.client

    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.msg, response.read()  # names in any case
    finally:
        conn.close()


def test_the_servers_own_413_is_the_json_error_body_on_the_api(server):
    base, _ = server
    status, headers, body = _post_claiming(base, "/api/v1/tickets", 10**12)
    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"error": {"code": "too_large",
                                          "message": "The request body is too large.",
                                          "field": None}}
    assert headers["Cache-Control"] == "no-store"
    # Outside the API the server's plain answer stays (no JSON promised there).
    status, headers, _ = _post_claiming(base, "/tickets/new/", 10**12)
    assert status == 413 and headers["Content-Type"].startswith("text/plain")


def test_serve_runs_the_background_jobs_of_the_embedded_default(serving_with_worker):
    """One command runs everything: `serve` on SQLite starts a worker, which enqueues and
    runs the periodic schedules."""
    import sqlite3

    _, _, data = serving_with_worker
    deadline = time.monotonic() + 120
    done = []
    while time.monotonic() < deadline:
        db = sqlite3.connect(data / "trustdesk.sqlite3", timeout=10)
        try:
            workers = db.execute("SELECT count(*) FROM jobs_workerbeat WHERE stopped_at IS "
                                 "NULL").fetchone()[0]
            done = [r[0] for r in db.execute(
                "SELECT task_path FROM django_tasks_database_dbtaskresult WHERE status = "
                "'SUCCESSFUL'")]
        except sqlite3.OperationalError:
            workers = 0  # not migrated yet
        finally:
            db.close()
        if workers and {"trustdesk.jobs.builtin.audit_checkpoint",
                        "trustdesk.accounts.jobs.session_cleanup"} <= set(done):
            break
        time.sleep(0.5)
    assert workers == 1, done
    assert "trustdesk.jobs.builtin.audit_checkpoint" in done, done
    assert "trustdesk.accounts.jobs.session_cleanup" in done


def _workers(proc) -> set[int]:
    return set(map(int, Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_sighup_replaces_every_worker_while_serving(serving):
    proc, base, _ = serving
    before = _workers(proc)
    assert len(before) >= 1
    proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while _workers(proc) & before:  # the old workers are retired one after the other
        assert time.monotonic() < deadline, "the old workers were never retired"
        assert _get(f"{base}/healthz")[0] == 200  # and requests are answered meanwhile
        time.sleep(0.2)
    assert len(_workers(proc)) == len(before)
    assert _get(f"{base}/healthz")[0] == 200


def test_sigterm_answers_the_request_in_flight_then_exits(serving):
    proc, base, _ = serving
    where = urlsplit(base)
    body = b"login=someone%40example.com&password=not-the-password"
    with socket.create_connection((where.hostname, where.port), timeout=30) as conn:
        conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        time.sleep(1)  # the application is now reading the body
        proc.send_signal(signal.SIGTERM)
        time.sleep(1)
        conn.sendall(body[10:])
        answer = conn.recv(4096)
    # Answered in full (the CSRF refusal: this client never fetched the form), not cut off.
    assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]
    assert proc.wait(timeout=60) == 0
