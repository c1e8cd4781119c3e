"""Setting and releasing legal holds (``legal_hold.manage``), every change audited.

While a hold is active retention deletes nothing it keeps, and erasure refuses
(``privacy.holds``). Releasing one lets deletion go ahead, so it needs a fresh
re-authentication, as approving a run does.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.customers.models import Customer
from trustdesk.customers.reveal import without_personal_data
from trustdesk.privacy.models import LegalHold
from trustdesk.retention.selectors import storable
from trustdesk.tickets.models import Ticket

MAX_REASON = 500


def _reason(text: str) -> str:
    # The reason outlives the customer's key: no contact detail typed into it stays.
    reason = without_personal_data((text or "").strip())[:MAX_REASON]
    if not reason:
        raise ValidationError("Say why the data is held (a case, a request).", field="reason")
    return reason


@transaction.atomic
def hold_set(*, actor: Actor, customer_id: uuid.UUID, reason: str,
             ticket_id: int | None = None) -> LegalHold:
    """Hold a customer's data, or only one of their tickets, until released."""
    policy.require(actor, "legal_hold.manage")
    reason = _reason(reason)
    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound(field="customer_id")
    if ticket_id is not None and not (storable(ticket_id) and Ticket.objects.filter(
            pk=ticket_id, customer_id=customer_id).exists()):
        raise NotFound(field="ticket_id")
    hold = LegalHold.objects.create(customer_id=customer_id, ticket_id=ticket_id,
                                    reason=reason, set_by=actor.label,
                                    set_by_user_id=actor.user_id, set_at=clock.now())
    record(actor=actor, action="legal_hold.set", object_type="customer",
           object_id=customer_id, reason=reason,
           context={"hold": hold.pk, "ticket": ticket_id})
    return hold


@transaction.atomic
def hold_release(*, actor: Actor, hold_id: int) -> LegalHold:
    policy.require(actor, "legal_hold.manage")
    policy.require_reauthentication(actor)  # retention may delete what it kept
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first() \
        if storable(hold_id) else None
    if hold is None:
        raise NotFound()
    if hold.released_at is not None:
        raise Conflict("This hold has already been released.")
    hold.released_at, hold.released_by = clock.now(), actor.label
    hold.save(update_fields=["released_at", "released_by"])
    record(actor=actor, action="legal_hold.release", object_type="customer",
           object_id=hold.customer_id, context={"hold": hold.pk, "ticket": hold.ticket_id})
    return hold
