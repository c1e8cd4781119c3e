"""The canonical encoding of an event (its stored ``body``), its MAC, and the chain hash:
one definition used by the writer, the chainer and the verifier alike.

An event's body is the record of truth. It starts with the indexed values, tab-separated,
in the form the database itself renders them::

    2 \\t at \\t actor_label \\t actor_user_id \\t action \\t object_type \\t object_id
      \\t customer \\t outcome \\t {detail as compact JSON, keys sorted}

The indexed values are also kept as columns, for filtering. Because the head is plain
text, the verifier asks the database to render those columns the same way and compare
them with the body's head (``verify.consistency_sql``) — no JSON parsing per row — and an
edit of a column alone shows up as a mismatch. Indexed values never hold control
characters (``clean``), so the tab separator is unambiguous and needs no escaping.

Events written before this encoding (version 1) have a JSON array as their body; they
still verify (``legacy_index``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

GENESIS = "0" * 64
VERSION = "2"
# The body's head, in order; changing it invalidates every existing MAC.
INDEXED = ("at", "actor_label", "actor_user_id", "action", "object_type", "object_id",
           "customer", "outcome")
DETAIL = ("uid", "actor_kind", "token_id", "fields", "reason", "ip", "user_agent",
          "session", "context")
# Version 1 bodies: a JSON array of these values.
_LEGACY = ("uid", "at", "actor_kind", "actor_label", "actor_user_id", "token_id", "action",
           "object_type", "object_id", "fields", "outcome", "reason", "ip", "user_agent",
           "session", "context")
_CONTROL = {c: "\ufffd" for c in (*range(32), 127)}


def clean(text: str) -> str:
    """An indexed value as stored: control characters (tabs and newlines included)
    become U+FFFD, so a value can neither forge a separator nor split a log line."""
    return str(text).translate(_CONTROL)


def at_text(value: dt.datetime) -> str:
    """A timestamp as the body holds it: UTC, microseconds, no zone suffix — what
    PostgreSQL's ``to_char`` and Django's SQLite storage both render."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def iso(value) -> str:
    """Timestamps for export and signatures: ISO 8601 in UTC with microseconds."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def body(row: dict) -> bytes:
    """The canonical bytes of an event. ``row`` holds every INDEXED and DETAIL key, the
    indexed strings already ``clean``."""
    user_id = row["actor_user_id"]
    head = (VERSION, at_text(row["at"]), row["actor_label"],
            "" if user_id is None else str(int(user_id)), row["action"], row["object_type"],
            row["object_id"], row["customer"], row["outcome"])
    detail = _compact({k: row[k] for k in DETAIL})
    return "\t".join((*head, detail)).encode()


def detail(data: bytes) -> dict:
    """The values kept only in the body, from either version."""
    if data[:1] == b"[":
        values = dict(zip(_LEGACY, json.loads(data), strict=True))
        return {k: values[k] for k in DETAIL}
    return json.loads(data.split(b"\t", len(INDEXED) + 1)[-1])


def legacy_index(data: bytes) -> dict:
    """The indexed values a version-1 body implies, as the columns must hold them."""
    values = dict(zip(_LEGACY, json.loads(data), strict=True))
    context = values["context"] or {}
    customer = values["object_id"] if values["object_type"] == "customer" else str(
        context.get("customer", "")) if isinstance(context, dict) else ""
    return {"at": at_text(dt.datetime.fromisoformat(values["at"])),
            **{k: values[k] for k in INDEXED if k not in ("at", "customer")},
            "customer": customer}


def mac(key: bytes, data: bytes) -> str:
    return hmac.digest(key, data, "sha256").hex()


def link_hash(previous: str, event_mac: str) -> str:
    return hashlib.sha256(f"{previous}{event_mac}".encode()).hexdigest()


def checkpoint_message(seq: int, head: str, at) -> bytes:
    return f"trustdesk-audit-checkpoint|{seq}|{head}|{iso(at)}".encode()
