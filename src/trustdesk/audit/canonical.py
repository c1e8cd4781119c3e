"""The canonical encoding of an event, its MAC, and the chain hash: one definition used
by the writer, the chainer and the verifier alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

GENESIS = "0" * 64
# The order of the encoded values; changing it invalidates every existing MAC.
COLUMNS = ("uid", "at", "actor_kind", "actor_label", "actor_user_id", "token_id", "action",
           "object_type", "object_id", "fields", "outcome", "reason", "ip", "user_agent",
           "session", "context")


def iso(value) -> str:
    """Timestamps as the database may return them (aware datetime, or text on SQLite raw
    reads), always as UTC with microseconds."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _value(column: str, value):
    if column in ("fields", "context"):
        return _json(value)
    if column == "ip" and value is not None:
        return str(value)  # PostgreSQL hands back an ipaddress object
    return value


def encode(row: dict) -> bytes:
    values = [str(row["uid"]).replace("-", ""), iso(row["at"])] + [
        _value(c, row[c]) for c in COLUMNS[2:]
    ]
    return json.dumps(values, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode()


def event_mac(key: bytes, row: dict) -> str:
    return hmac.digest(key, encode(row), "sha256").hex()


def link_hash(previous: str, mac: str) -> str:
    return hashlib.sha256(f"{previous}{mac}".encode()).hexdigest()


def checkpoint_message(seq: int, head: str, at) -> bytes:
    return f"trustdesk-audit-checkpoint|{seq}|{head}|{iso(at)}".encode()
