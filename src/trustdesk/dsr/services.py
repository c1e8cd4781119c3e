"""Carrying out a privacy request (docs/dsr.md): a correction, erasure, restriction of
processing or an objection — or refusing it under an exemption, with a reason. The copy
of the data (access) is ``dsr.export``'s.

Every use case needs ``privacy_request.manage`` and a requester whose identity is
confirmed on the request (``customers.dsr_identity``); it changes the customer through
the customers app's own use cases, so the field policy, legal holds and the audit trail
hold as for any change, and it closes the request in the same transaction as the
change it made. Erasure is the one exception: the key is destroyed before its
transaction (``customers.services.shred``), so a failure after it leaves the request
open, and fulfilling it again closes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.customers import dsr as requests_clock
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer, DataRequest
from trustdesk.customers.requests import RequestRow, row_of

REASON_MAX = 1000
EXEMPTIONS = tuple(DataRequest.Exemption.choices)


def _clean(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError("Say why.", field=field)
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Please write at most {REASON_MAX} characters.", field=field)
    return reason


def _ready(request_id, kind: str | None = None) -> DataRequest:
    """The open request, locked, of the expected kind, its requester verified."""
    row = requests_clock.open_request(request_id)
    if kind is not None and row.kind != kind:
        raise Conflict(f"This is a request for {row.get_kind_display().lower()}.")
    if row.identity_verified_at is None:
        raise Conflict("Confirm the requester's identity before acting on the request.")
    return row


def _close(actor: Actor, row: DataRequest, outcome: str, **context) -> RequestRow:
    now = clock.now()
    if row.paused_at is not None:
        row.paused_total += max(now - row.paused_at, dt.timedelta(0))
        row.paused_at = None
    row.status, row.outcome = DataRequest.Status.CLOSED, outcome
    row.closed_at, row.closed_by = now, actor.label
    row.save()
    action = "privacy_request.fulfil" if outcome == DataRequest.Outcome.FULFILLED \
        else f"privacy_request.{outcome}"
    requests_clock.audit(actor, action, row, outcome=outcome,
                         late=row.due_at is not None and now >= row.due_at, **context)
    return row_of(row)


@transaction.atomic
def dsr_rectify(*, actor: Actor, request_id, changes: Mapping[str, Any]) -> RequestRow:
    """Correct the profile as the customer asked (GDPR Art. 16). The change is an
    ordinary profile change — the inventory's validation, the field policy for writes —
    with the request's verified identity in place of a caller's, and the old email or
    phone is told of a change to it as always."""
    policy.require(actor, "privacy_request.manage")
    row = _ready(request_id, DataRequest.Kind.RECTIFICATION)
    if not isinstance(changes, Mapping) or not changes:
        raise ValidationError("Say which fields to correct.", field="changes")
    customers.customer_update(actor=actor, customer_id=row.customer_id, changes=changes,
                              identity_request=row.pk)
    return _close(actor, row, DataRequest.Outcome.FULFILLED, fields=sorted(changes))


def dsr_erase(*, actor: Actor, request_id) -> RequestRow:
    """Erase the customer (GDPR Art. 17) by crypto-shredding, through
    ``customer_erase``: refused while a legal hold of theirs is active (nothing is
    destroyed; refuse the request under ``legal_hold``, or release the hold), and a
    re-authentication is needed as for any erasure. The erasure record that remains
    names the request, never what the customer wrote in it."""
    policy.require(actor, "privacy_request.manage")
    with transaction.atomic():
        row = _ready(request_id, DataRequest.Kind.ERASURE)
        customer_id, pk = row.customer_id, row.pk
        erased = Customer.objects.filter(pk=customer_id,
                                         status=Customer.Status.ERASED).exists()
    if not erased:
        customers.customer_erase(actor=actor, customer_id=customer_id,
                                 reason=f"Erasure requested by the customer (privacy "
                                        f"request {pk})", identity_request=pk)
    with transaction.atomic():
        row = _ready(pk, DataRequest.Kind.ERASURE)
        row.details_sealed = None  # unreadable now; nothing of it need stay
        return _close(actor, row, DataRequest.Outcome.FULFILLED)


@transaction.atomic
def dsr_restrict(*, actor: Actor, request_id) -> RequestRow:
    """Restrict processing (GDPR Art. 18): the data is kept and neither changed nor used
    — no profile change but a correction request, no surveys, no retention deletion —
    until a privacy officer lifts it (``lift_restriction``)."""
    policy.require(actor, "privacy_request.manage")
    row = _ready(request_id, DataRequest.Kind.RESTRICTION)
    customer = Customer.objects.select_for_update().get(pk=row.customer_id)
    if customer.status != Customer.Status.ACTIVE:
        raise Conflict("This customer's data has been erased.")
    if customer.restricted_at is None:
        customer.restricted_at, customer.restricted_by_request = clock.now(), row.pk
        customer.save(update_fields=["restricted_at", "restricted_by_request", "updated_at"])
        record(actor=actor, action="customer.restrict", object_type="customer",
               object_id=customer.pk, context={"request": row.pk})
    return _close(actor, row, DataRequest.Outcome.FULFILLED)


@transaction.atomic
def lift_restriction(*, actor: Actor, customer_id, reason: str) -> None:
    """End a restriction (GDPR Art. 18(3): the customer is told before it is lifted —
    the reason says when and how they were)."""
    policy.require(actor, "privacy_request.manage")
    reason = _clean(reason)
    customer = Customer.objects.select_for_update().filter(pk=_uuid(customer_id)).first()
    if customer is None:
        raise NotFound()
    if customer.restricted_at is None:
        raise Conflict("Processing of this customer's data is not restricted.")
    customer.restricted_at, customer.restricted_by_request = None, None
    customer.save(update_fields=["restricted_at", "restricted_by_request", "updated_at"])
    record(actor=actor, action="customer.restriction_lift", object_type="customer",
           object_id=customer.pk, reason=reason)


def lift_restriction_of(*, actor: Actor, request_id, reason: str) -> RequestRow:
    """Lift the restriction a fulfilled restriction request put in place."""
    policy.require(actor, "privacy_request.manage")
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = DataRequest.objects.filter(pk=pk, kind=DataRequest.Kind.RESTRICTION).first() \
        if 0 < pk < 2**63 else None
    if row is None:
        raise NotFound()
    lift_restriction(actor=actor, customer_id=row.customer_id, reason=reason)
    return row_of(row)


@transaction.atomic
def dsr_object(*, actor: Actor, request_id, purpose: str) -> RequestRow:
    """Stop a use of the customer's data they object to (GDPR Art. 21), recorded as an
    objection to that purpose (``customers.consent``): unknown purposes, and purposes a
    contract or the law requires, are refused with a message saying so."""
    from trustdesk.customers import consent

    policy.require(actor, "privacy_request.manage")
    row = _ready(request_id, DataRequest.Kind.OBJECTION)
    purpose = (purpose or row.purpose or "").strip()
    if not purpose:
        raise ValidationError("Say which use of the data the customer objects to.",
                              field="purpose")
    consent.object_to(actor=actor, customer_id=row.customer_id, purpose=purpose,
                      request_id=row.pk)
    row.purpose = purpose[:64]
    return _close(actor, row, DataRequest.Outcome.FULFILLED, purpose=row.purpose)


@transaction.atomic
def dsr_refuse(*, actor: Actor, request_id, exemption: str, reason: str) -> RequestRow:
    """Decline the request, or what of it cannot be done, under an exemption — a legal
    hold, a fraud investigation, legal claims, a duty to keep, an identity never
    confirmed, a manifestly unfounded request — with the officer's reason (kept on the
    request for the letter to the requester; the audit trail records the exemption)."""
    policy.require(actor, "privacy_request.manage")
    row = requests_clock.open_request(request_id)
    if exemption not in DataRequest.Exemption.values:
        raise ValidationError("Choose the exemption that applies.", field="exemption")
    row.exemption, row.exemption_reason = exemption, _clean(reason)
    return _close(actor, row, DataRequest.Outcome.REFUSED, exemption=exemption)


def _uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def dsr_fulfil(*, actor: Actor, request_id, changes: Mapping[str, Any] | None = None,
               purpose: str = "") -> RequestRow:
    """Carry out the request, whatever its kind: the one entry the console, the API and
    the CLI call. ``changes`` is a correction's; ``purpose`` an objection's."""
    policy.require(actor, "privacy_request.manage")
    with transaction.atomic():
        row = _ready(request_id)
        kind, pk = row.kind, row.pk
    if kind == DataRequest.Kind.ACCESS:
        from trustdesk.dsr import export

        export.fulfil_access(actor=actor, request_id=pk)
        return row_of(DataRequest.objects.get(pk=pk))
    if kind == DataRequest.Kind.RECTIFICATION:
        return dsr_rectify(actor=actor, request_id=request_id, changes=changes or {})
    if kind == DataRequest.Kind.ERASURE:
        return dsr_erase(actor=actor, request_id=request_id)
    if kind == DataRequest.Kind.RESTRICTION:
        return dsr_restrict(actor=actor, request_id=request_id)
    return dsr_object(actor=actor, request_id=request_id, purpose=purpose)
