from __future__ import annotations

import datetime as dt
import io
import json
import socketserver
import threading

import pytest
from django.core.management import call_command
from django.test import override_settings

from trustdesk.audit import chain, retention, verify
from trustdesk.audit.models import AuditChainLink, AuditCheckpoint, AuditEvent
from trustdesk.core import clock


def test_pruning_keeps_a_year_and_the_chain_verifiable(trail, monkeypatch, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 5
    long_ago = clock.now() - dt.timedelta(days=500)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    trail(12)  # positions 1-12, checkpoints at 5 and 10, all 500 days old
    chain.chain_pending()
    monkeypatch.undo()
    trail(4)  # recent events
    chain.chain_pending()
    assert retention.prune() == 10  # up to the newest checkpoint older than the cutoff
    assert AuditChainLink.objects.order_by("seq").first().seq == 11
    assert AuditEvent.objects.count() == 6
    result = verify.verify(save=False)
    assert result.ok, result.problem
    assert result.checked == 6 and result.last_seq == 16
    assert AuditCheckpoint.objects.filter(seq=10).exists()  # the anchor stays


def test_recent_events_are_never_pruned(trail):
    trail(3)
    chain.checkpoint_now()
    assert retention.prune() == 0 and AuditEvent.objects.count() == 3


def test_retention_below_a_year_is_refused(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(TRUSTDESK_DATA_DIR=str(tmp_path), TRUSTDESK_AUDIT_RETENTION_DAYS="90")
    result = subprocess.run([sys.executable, "-m", "trustdesk.config.cli", "check"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "must be 365 or more" in result.stderr


def test_export_jsonl_and_cef(trail):
    trail(3)
    chain.chain_pending()
    out = io.StringIO()
    call_command("audit", "export", "--since", "2000-01-01", "--format", "jsonl", stdout=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["seq"] for r in records[:3]] == [1, 2, 3]
    assert records[0]["action"] == "customer.view" and records[0]["fields"] == [
        "email", "full_name"]
    assert records[-1]["action"] == "audit.export"  # the export itself is audited
    out = io.StringIO()
    call_command("audit", "export", "--since", "2000-01-01", "--format", "cef", stdout=out)
    first = out.getvalue().splitlines()[0]
    assert first.startswith("CEF:0|TrustDesk|TrustDesk|1|customer.view|customer.view|3|")
    assert "suser=agent@example.com" in first and "cn1=1" in first


class _Collector(socketserver.StreamRequestHandler):
    received: list[bytes] = []
    done = threading.Event()

    def handle(self):
        self.received.append(self.rfile.read())
        self.done.set()


@pytest.mark.django_db
def test_events_are_forwarded_to_syslog_over_tcp(trail):
    server = socketserver.TCPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(AUDIT_SYSLOG=f"127.0.0.1:{server.server_address[1]}"):
            trail(2)
            chain.chain_pending()
        # Shut down only once the frame arrived: the server handles a connection on its
        # own thread's next poll, which a shutdown could otherwise pre-empt.
        assert _Collector.done.wait(10)
    finally:
        server.shutdown()
        server.server_close()
    payload = b"".join(_Collector.received)
    frames = payload.split(b" <86>1 ")
    assert payload.count(b"CEF:0|TrustDesk") == 2
    assert frames[0].isdigit()  # RFC 6587 octet counting
    assert b"act=customer.view" in payload


def test_bad_since_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("audit", "export", "--since", "yesterday")
