"""``trustdesk serve`` on the embedded default runs the SMTP listener beside the web
server: it says where mail is accepted, takes a message into the queue, and stopping
``serve`` stops the listener too (no process left behind holding the port)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from helpers import server_env
from mailgateway import mailkit
from trustdesk.mailgateway.models import InboundMail, Route

pytestmark = pytest.mark.django_db(transaction=True)
SUPPORT = f"support@{mailkit.COMPANY}"
CUSTOMER = f"ada@{mailkit.SENDER_DOMAIN}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(condition, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            return s.recv(3) == b"220"
    except OSError:
        return False


def _children(pid: int) -> dict[int, str]:
    """The live child processes of ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and \
                not fields.get("State", "").startswith("Z"):
            found[int(entry.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_serve_runs_the_smtp_listener_and_takes_it_down_when_it_stops(db):
    zone = mailkit.zone()
    Route.objects.create(address=SUPPORT, name="Acme Support")
    http, smtp = _free_port(), _free_port()
    env = server_env(TRUSTDESK_SMTPD_LISTEN=f"127.0.0.1:{smtp}", TRUSTDESK_GREYLIST_DELAY="0",
                     TRUSTDESK_DNS_NAMESERVERS=f"127.0.0.1:{zone.port}",
                     TRUSTDESK_SMTPD_HOSTNAME="mx.acme.test")
    if connection.vendor == "sqlite":
        env.pop("TRUSTDESK_SMTPD_IN_SERVE")  # the embedded default: on by itself
    else:
        env["TRUSTDESK_SMTPD_IN_SERVE"] = "on"  # PostgreSQL deployments opt in
    out = Path(tempfile.mkdtemp(prefix="trustdesk-serve-")) / "serve.log"
    with open(out, "wb") as log:  # a file, never a pipe nobody reads
        proc = subprocess.Popen(
            [sys.executable, "-m", "trustdesk.config.cli", "serve", "--port", str(http),
             "--no-migrate", "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _until(lambda: _answers(f"http://127.0.0.1:{http}/healthz") or proc.poll() is not None,
               "serve to answer")
        assert proc.poll() is None, out.read_text(errors="replace")
        assert (f"Mail to the support addresses is accepted by SMTP on 127.0.0.1:{smtp}."
                in out.read_text())
        _until(lambda: _listening(smtp), "the embedded SMTP listener")
        listeners = {pid: cmd for pid, cmd in _children(proc.pid).items() if " smtpd" in cmd}
        assert len(listeners) == 1, _children(proc.pid)
        (listener,) = listeners

        raw = mailkit.message(sender=CUSTOMER, to=SUPPORT, sign_domain=mailkit.SENDER_DOMAIN)
        code, text = mailkit.send(smtp, raw, mail_from=CUSTOMER, to=[SUPPORT])
        assert code == 250, text
        mail = InboundMail.objects.get()
        assert text.endswith(str(mail.uid)) and mail.state == InboundMail.State.QUEUED
    finally:
        proc.terminate()
        proc.wait(30)
        zone.stop()
    _until(lambda: not _alive(listener), "the listener to stop with serve", seconds=20)
    assert not _listening(smtp)
