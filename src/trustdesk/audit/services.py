"""The one way to write to the audit trail.

Call ``record`` inside the use case's transaction: if the event cannot be written, the
transaction — and with it the change or the read — fails. Nothing is returned unaudited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.actor import Actor


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
    session = (
        hashlib.sha256(actor.session_key.encode()).hexdigest()[:32] if actor.session_key else ""
    )
    return AuditEvent.objects.create(
        at=clock.now(),
        actor_kind=actor.kind,
        actor_label=actor.label,
        actor_user_id=actor.user_id,
        token_id=actor.token_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(set(fields)),
        outcome=outcome,
        reason=reason,
        ip=actor.ip,
        user_agent=actor.user_agent[:256],
        session=session,
        context=context or {},
    )
