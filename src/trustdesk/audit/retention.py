"""Retention: events older than ``AUDIT_RETENTION_DAYS`` (at least a year) are pruned up
to a signed checkpoint, which stays as the anchor from which the rest still verifies."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from trustdesk.audit.models import AuditChainLink, AuditCheckpoint, AuditEvent
from trustdesk.core import clock


@transaction.atomic
def prune() -> int:
    """Delete events (and their chain links) up to the newest checkpoint signed before
    the retention cutoff; returns how many events went."""
    cutoff = clock.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    anchor = AuditCheckpoint.objects.filter(at__lt=cutoff).order_by("-seq").first()
    if anchor is None:
        return 0
    links = AuditChainLink.objects.filter(seq__lte=anchor.seq)
    event_ids = list(links.values_list("event_id", flat=True))
    deleted, _ = AuditEvent.objects.filter(pk__in=event_ids).delete()
    links.delete()
    return deleted
