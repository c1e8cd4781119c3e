"""Getting the trail out: JSON lines or CEF for a SIEM, and forwarding to a syslog
collector over TCP as events are chained (ASVS 16.4.3: logs kept apart from the system)."""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import F, OuterRef, Subquery

from trustdesk.audit import canonical
from trustdesk.audit.models import AuditChainLink, AuditEvent
from trustdesk.core.lines import one_line

log = logging.getLogger("trustdesk.audit")
FORMATS = ("jsonl", "cef")
_SEVERITY = {"allowed": 3, "denied": 7, "error": 8}


def _record(event: AuditEvent, seq: int | None) -> dict:
    return {
        "seq": seq, "id": event.pk, "uid": str(uuid.UUID(event.uid)), "at": canonical.iso(event.at),
        "actor": {"kind": event.actor_kind, "label": event.actor_label,
                  "user_id": event.actor_user_id, "token_id": event.token_id},
        "action": event.action, "object": {"type": event.object_type, "id": event.object_id},
        "fields": event.fields, "outcome": event.outcome, "reason": event.reason,
        "ip": event.ip, "user_agent": event.user_agent, "session": event.session,
        "context": event.context, "mac": event.mac,
    }


def _cef_escape(value, *, header: bool = False) -> str:
    # Backslash first (CEF's own escape character), then line breaks as CEF writes them
    # (\n, \r) and the other separators as \uXXXX: one event, one line.
    text = one_line(("" if value is None else str(value)).replace("\\", "\\\\"))
    return text.replace("|", "\\|") if header else text.replace("=", "\\=")


def to_cef(record: dict) -> str:
    """ArcSight Common Event Format, one line."""
    extension = {
        "rt": record["at"], "suser": record["actor"]["label"], "src": record["ip"],
        "act": record["action"], "outcome": record["outcome"],
        "cs1Label": "object", "cs1": f"{record['object']['type']}:{record['object']['id']}",
        "cs2Label": "fields", "cs2": ",".join(record["fields"]),
        "cs3Label": "reason", "cs3": record["reason"],
        "cn1Label": "seq", "cn1": record["seq"], "externalId": record["uid"],
        "requestClientApplication": record["user_agent"],
    }
    ext = " ".join(f"{k}={_cef_escape(v)}" for k, v in extension.items()
                   if v not in (None, ""))
    header = "|".join(_cef_escape(v, header=True) for v in (
        "CEF:0", "TrustDesk", "TrustDesk", "1", record["action"], record["action"],
        _SEVERITY.get(record["outcome"], 5)))
    return f"{header}|{ext}"


def render(record: dict, fmt: str) -> str:
    if fmt == "cef":
        return to_cef(record)
    # JSON already escapes CR and LF inside strings, but not U+0085, U+2028 or U+2029:
    # those are written as \u escapes, which any JSON reader decodes back.
    return one_line(json.dumps(record, separators=(",", ":"), ensure_ascii=False))


def records(events, *, chunk: int = 2000) -> Iterator[dict]:
    """The export records of an ``AuditEvent`` queryset, in chain order (events not
    chained yet last), each with its position in the chain."""
    position = AuditChainLink.objects.filter(event_id=OuterRef("pk")).values("seq")[:1]
    events = events.annotate(seq=Subquery(position)).order_by(
        F("seq").asc(nulls_last=True), "id")
    for event in events.iterator(chunk_size=chunk):
        yield _record(event, event.seq)


def events_since(since, *, chunk: int = 2000) -> Iterator[dict]:
    """Every event at or after ``since``, in chain order (events not chained yet last)."""
    yield from records(AuditEvent.objects.filter(at__gte=since), chunk=chunk)


def _syslog_frame(line: str) -> bytes:
    # RFC 5424 message with RFC 6587 octet-counting framing (facility authpriv).
    message = f"<86>1 - {socket.gethostname()} trustdesk - audit - {line}".encode()
    return f"{len(message)} ".encode() + message


def forward(event_ids: Iterable[int]) -> None:
    """Send newly chained events to the configured syslog collector. A failure is logged
    and does not undo the chain: the SIEM catches up with `audit export`."""
    host, _, port = settings.AUDIT_SYSLOG.rpartition(":")
    seqs = dict(AuditChainLink.objects.filter(event_id__in=event_ids)
                .values_list("event_id", "seq"))
    events = AuditEvent.objects.filter(pk__in=event_ids).order_by("id")
    payload = b"".join(_syslog_frame(render(_record(e, seqs.get(e.pk)),
                                            settings.AUDIT_SYSLOG_FORMAT)) for e in events)
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=3) as sock:
            sock.sendall(payload)
    except OSError as exc:
        log.error("audit: syslog forwarding to %s failed: %s", settings.AUDIT_SYSLOG, exc)
