"""The one way to write to the audit trail.

Call ``record`` inside the use case's transaction: if the event cannot be written, the
transaction — and with it the change or the read — fails. Nothing is returned unaudited.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, transaction

from trustdesk.audit import canonical
from trustdesk.audit.errors import AuditUnavailable, OutsideTransaction
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.vault import signing
from trustdesk.vault.errors import VaultError

log = logging.getLogger("trustdesk.audit")


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


_INSERT_EVENT = (
    "INSERT INTO audit_auditevent (at, actor_label, actor_user_id, action, object_type, "
    "object_id, customer, outcome, body, mac) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
# PostgreSQL: the event and its place in the chainer's queue in one round trip.
_INSERT_PG = (f"WITH e AS ({_INSERT_EVENT} RETURNING id) "  # noqa: S608 (constants)
              "INSERT INTO audit_auditpending (event_id) SELECT id FROM e RETURNING event_id")
_INSERT_PENDING = "INSERT INTO audit_auditpending (event_id) VALUES (%s)"


def _insert(row: dict, body: bytes, mac: str) -> int:
    """Two plain INSERTs: the append is the hottest write in TrustDesk (one per read of
    customer data), and the ORM would triple its cost."""
    params = [connection.ops.adapt_datetimefield_value(row["at"]),
              *(row[c] for c in canonical.INDEXED[1:]), body, mac]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(_INSERT_PG, params)
            return cur.fetchone()[0]
        with transaction.atomic(savepoint=False):  # both rows or neither
            cur.execute(f"{_INSERT_EVENT} RETURNING id", params)
            event_id = cur.fetchone()[0]
            cur.execute(_INSERT_PENDING, [event_id])
        return event_id


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    fields: Iterable[str] = (),
    outcome: str = AuditEvent.Outcome.ALLOWED,
    reason: str = "",
    context: dict | None = None,
) -> AuditEvent:
    """Append an event. Raises ``AuditUnavailable`` if it cannot be written (fail
    closed): the caller's transaction then rolls back.

    Refuses (``OutsideTransaction``) to run outside a transaction: in autocommit the
    event would be committed on its own, and a use case failing after it would leave an
    event for something that never happened, or, written after the change, a change
    without its event."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction(detail=f"audit.record({action}) outside a transaction")
    context = context or {}
    object_id = canonical.clean(object_id)
    customer = object_id if object_type == "customer" else context.get("customer", "")
    row = {
        "at": clock.now(),
        "actor_label": canonical.clean(actor.label),
        "actor_user_id": actor.user_id,
        "action": canonical.clean(action),
        "object_type": canonical.clean(object_type),
        "object_id": object_id,
        "customer": canonical.clean(customer),
        "outcome": outcome,
        "uid": uuid.uuid4().hex,
        "actor_kind": actor.kind,
        "token_id": actor.token_id,
        "fields": sorted(set(fields)),
        "reason": reason,
        "ip": _ip(actor.ip),
        "user_agent": actor.user_agent[:256],
        "session": hashlib.sha256(actor.session_key.encode()).hexdigest()[:32]
        if actor.session_key else "",
        "context": context,
    }
    try:
        body = canonical.body(row)
        mac = canonical.mac(signing.mac_key(), body)
        event_id = _insert(row, body, mac)
    except (DatabaseError, VaultError, TypeError, ValueError) as exc:
        # TypeError/ValueError: a context that cannot be encoded is a bug, and still no
        # reason to let the read through unaudited.
        # The first line only: PostgreSQL's DETAIL lines quote the failing row.
        reason = f"{type(exc).__name__}: {str(exc).partition(chr(10))[0]}"
        log.error("audit write failed for %s by %s: %s", action, actor.label, reason)
        raise AuditUnavailable(detail=reason) from exc
    transaction.on_commit(_nudge)
    return AuditEvent(id=event_id, body=body, mac=mac,
                      **{c: row[c] for c in canonical.INDEXED})


def record_denied(*, actor: Actor, action: str, permission: str = "", path: str = "",
                  object_type: str = "", object_id: Any = "") -> None:
    """Record a refusal in a transaction of its own: the refused use case rolled back
    its own transaction, and the refusal must outlive it."""
    try:
        with transaction.atomic():
            record(actor=actor, action=action, object_type=object_type, object_id=object_id,
                   outcome=AuditEvent.Outcome.DENIED,
                   context={k: v for k, v in (("permission", permission), ("path", path)) if v})
    except AuditUnavailable:
        pass  # the refusal stands either way; the failure is logged above


def _nudge() -> None:
    from trustdesk.audit import chain

    chain.nudge()
