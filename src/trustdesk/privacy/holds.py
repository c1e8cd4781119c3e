"""Reads of legal holds, for every use case that destroys data: retention here, erasure
later. Plain functions without an actor: they answer whether data may go, which is the
deleting service's question, asked under its own permission. Setting and releasing a
hold are services of ``trustdesk.retention.holds`` (they check the customer exists)."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q

from trustdesk.privacy.models import LegalHold


def _active():
    return LegalHold.objects.filter(released_at__isnull=True)


def is_held(customer_id: uuid.UUID | str) -> bool:
    """Is anything of this customer's under an active hold (on them, or on a ticket of
    theirs)? While it is, nothing of theirs may be destroyed as a whole."""
    return _active().filter(customer_id=customer_id).exists()


def holds_for(customer_id: uuid.UUID | str | None = None, *, ticket_id: int | None = None,
              include_released: bool = False) -> list[LegalHold]:
    """The holds of a customer, or those that keep one ticket (a hold on the ticket
    itself or on its whole customer, when ``customer_id`` is given with it)."""
    holds = LegalHold.objects.all() if include_released else _active()
    if ticket_id is not None:
        keeps = Q(ticket_id=ticket_id)
        if customer_id is not None:
            keeps |= Q(customer_id=customer_id, ticket_id__isnull=True)
        holds = holds.filter(keeps)
    elif customer_id is not None:
        holds = holds.filter(customer_id=customer_id)
    return list(holds)


def customer_held(ref: str = "pk") -> Exists:
    """In a query: the customer in column ``ref`` has an active hold of any kind."""
    return Exists(_active().filter(customer_id=OuterRef(ref)))


def ticket_held(ticket_ref: str = "pk", customer_ref: str = "customer_id") -> Exists:
    """In a query over tickets: a hold keeps this ticket (its own, or its customer's)."""
    return Exists(_active().filter(Q(ticket_id=OuterRef(ticket_ref))
                                   | Q(customer_id=OuterRef(customer_ref),
                                       ticket_id__isnull=True)))
