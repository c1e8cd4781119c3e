"""One event, one line: audit exports (JSON lines, CEF, syslog) and the application log
escape every line break a person could type — CR, LF, U+0085, U+2028, U+2029 — so no
input can forge an event or a log record."""

from __future__ import annotations

import io
import json
import logging
import socketserver
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from trustdesk.audit import chain
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.lines import LINE_BREAKS

pytestmark = pytest.mark.django_db
BREAKS = "\r\n\x85\u2028\u2029"
FORGED = "CEF:0|TrustDesk|TrustDesk|1|audit.verify|audit.verify|3|suser=root"
REASON = "".join(f"part{i}{c}{FORGED}" for i, c in enumerate(BREAKS))


def _plant(n: int = 2) -> None:
    actor = Actor(kind="agent", label="agent@example.com", user_id=7, role="agent",
                  ip="203.0.113.9", user_agent=f"evil{BREAKS}agent", session_key="s")
    for i in range(n):
        with transaction.atomic():
            record(actor=actor, action="customer.reveal", object_type="customer",
                   object_id=f"c{i}", fields=["email"], reason=REASON,
                   context={"note": f"line{BREAKS}break"})
    chain.chain_pending()


def _export(fmt: str) -> str:
    out = io.StringIO()
    call_command("audit", "export", "--since", "2000-01-01", "--format", fmt, stdout=out)
    return out.getvalue()


def _no_breaks(text: str) -> bool:
    return not any(c in text for c in LINE_BREAKS)


def test_json_lines_keep_one_event_per_line_and_decode_back():
    _plant(2)
    lines = _export("jsonl").split("\n")[:-1]  # print() ends each event with one LF
    assert all(_no_breaks(line) for line in lines)
    records = [json.loads(line) for line in lines]
    reveals = [r for r in records if r["action"] == "customer.reveal"]
    assert len(reveals) == 2
    assert reveals[0]["reason"] == REASON and reveals[0]["user_agent"] == f"evil{BREAKS}agent"
    assert reveals[0]["context"]["note"] == f"line{BREAKS}break"
    assert len(_export("jsonl").splitlines()) == len(records) + 1  # + the export itself


def test_cef_keeps_one_event_per_line():
    _plant(2)
    text = _export("cef")
    lines = text.split("\n")[:-1]
    assert all(_no_breaks(line) for line in lines)
    assert len(text.splitlines()) == len(lines)
    reveals = [line for line in lines if "|customer.reveal|" in line]
    assert len(reveals) == 2
    # CEF's own escapes for CR and LF; \uXXXX for the others; no forged header at a
    # line start.
    assert "part0\\r" in reveals[0] and "part1\\n" in reveals[0]
    assert "part2\\u0085" in reveals[0] and "part3\\u2028" in reveals[0]
    assert not [line for line in lines if line.startswith(FORGED)]


class _Collector(socketserver.StreamRequestHandler):
    received: list[bytes] = []
    done = threading.Event()

    def handle(self):
        self.received.append(self.rfile.read())
        self.done.set()


@pytest.mark.parametrize("fmt", ["cef", "jsonl"])
def test_syslog_frames_carry_one_line_each(fmt):
    _Collector.received, _Collector.done = [], threading.Event()
    server = socketserver.TCPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(AUDIT_SYSLOG=f"127.0.0.1:{server.server_address[1]}",
                               AUDIT_SYSLOG_FORMAT=fmt):
            _plant(2)
        assert _Collector.done.wait(10)
    finally:
        server.shutdown()
        server.server_close()
    payload = b"".join(_Collector.received).decode()
    assert payload.count("<86>1 ") == 2
    assert _no_breaks(payload)


def _console_handler() -> logging.Handler:
    [handler] = [h for h in logging.getLogger().handlers
                 if isinstance(h, logging.StreamHandler) and h.formatter is not None
                 and type(h.formatter).__name__ == "OneLineFormatter"]
    return handler


def test_the_application_log_writes_one_record_per_line():
    handler = _console_handler()
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        log = logging.getLogger("trustdesk.tests")
        log.warning("refused %s for %s", f"/x{BREAKS}", f"a@b.c{BREAKS}forged WARNING")
        try:
            raise ValueError(f"bad input{BREAKS}more")
        except ValueError:
            log.exception("failed%s", "\u2028 here")
    finally:
        handler.setStream(old)
    lines = stream.getvalue().split("\n")[:-1]
    assert len(lines) == 2
    assert all(_no_breaks(line) for line in lines)
    assert "refused /x\\r\\n\\u0085\\u2028\\u2029 for a@b.c" in lines[0]
    assert "Traceback" in lines[1] and "ValueError: bad input\\r\\n" in lines[1]
