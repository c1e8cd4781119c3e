"""How far the chainer is behind: what monitoring and readiness ask of the audit trail.
Counts and ages only; nothing of any event's content."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from trustdesk.audit import chain
from trustdesk.audit.models import AuditEvent, AuditPending
from trustdesk.core import clock


@dataclass(frozen=True)
class Lag:
    pending: int  # events committed, not yet in the chain
    oldest_seconds: float  # age of the oldest of them (0 when none)
    head: int  # the chain's last position


def lag() -> Lag:
    pending = AuditPending.objects.count()
    oldest = 0.0
    if pending:
        first = AuditPending.objects.order_by("event_id").values_list("event_id",
                                                                      flat=True).first()
        at = AuditEvent.objects.filter(pk=first).values_list("at", flat=True).first()
        if at is not None:
            oldest = max(0.0, (clock.now() - at).total_seconds())
    return Lag(pending=pending, oldest_seconds=oldest, head=chain.head()[0])


def writable() -> None:
    """Raise unless an event could be written now: the MAC key is at hand and the
    chainer's queue takes an insert (made in a savepoint and rolled back, so nothing is
    added to the trail)."""
    from trustdesk.vault import signing

    signing.mac_key()
    with transaction.atomic():
        AuditPending.objects.create(event_id=-1)
        transaction.set_rollback(True)
