"""Reads of retention's state for the console, the API and the CLI: runs with their
counts, and holds. Counts and ids only: nothing here is customer data, but who is held
names customers, so listing holds is audited as reading a customer list is."""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.privacy.models import LegalHold, RetentionRun


def storable(number: int | None) -> bool:
    """A row id PostgreSQL can compare: a number past 64 bits is no such row, not a
    database error."""
    return number is not None and 0 < number < 2**63


def run_list(*, actor: Actor, limit: int = 20) -> list[RetentionRun]:
    policy.require(actor, "retention.view")
    return list(RetentionRun.objects.all()[:max(1, min(limit, 200))])


def run_get(*, actor: Actor, run_id: int) -> RetentionRun:
    policy.require(actor, "retention.view")
    run = RetentionRun.objects.filter(pk=run_id).first() if storable(run_id) else None
    if run is None:
        raise NotFound()
    return run


@transaction.atomic
def hold_list(*, actor: Actor, include_released: bool = False,
              limit: int = 200) -> list[LegalHold]:
    policy.require(actor, "retention.view")
    holds = LegalHold.objects.all() if include_released \
        else LegalHold.objects.filter(released_at__isnull=True)
    rows = list(holds[:max(1, min(limit, 1000))])
    record(actor=actor, action="legal_hold.list", object_type="legal_hold",
           context={"count": len(rows), "released": include_released})
    return rows
