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

from django.db import DatabaseError, transaction

from trustdesk.audit import canonical
from trustdesk.audit.errors import AuditUnavailable
from trustdesk.audit.models import AuditEvent, AuditPending
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
    closed): the caller's transaction then rolls back."""
    row = {
        "uid": uuid.uuid4(),
        "at": clock.now(),
        "actor_kind": actor.kind,
        "actor_label": actor.label,
        "actor_user_id": actor.user_id,
        "token_id": actor.token_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "fields": sorted(set(fields)),
        "outcome": outcome,
        "reason": reason,
        "ip": _ip(actor.ip),
        "user_agent": actor.user_agent[:256],
        "session": hashlib.sha256(actor.session_key.encode()).hexdigest()[:32]
        if actor.session_key else "",
        "context": context or {},
    }
    try:
        event = AuditEvent.objects.create(**row, mac=canonical.event_mac(signing.mac_key(), row))
        AuditPending.objects.create(event_id=event.pk)
    except (DatabaseError, VaultError) as exc:
        log.error("audit write failed for %s by %s: %s", action, actor.label, exc)
        raise AuditUnavailable(detail=str(exc)) from exc
    transaction.on_commit(_nudge)
    return event


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
