"""The legal clock of privacy requests (docs/dsr.md): filing one on a customer's behalf,
extending its deadline, pausing it while the requester proves who they are, closing it.

Every use case is permission-checked and audited in its own transaction. The audit
events name the request, its kind and its rule, never the customer's words nor the
officer's reason for an extension (that stays on the request row).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers import dsr_clock, dsr_identity, verified
from trustdesk.customers.dsr_clock import open_duplicate, start_clock
from trustdesk.customers.models import Customer, DataRequest
from trustdesk.customers.requests import RequestRow, row_of
from trustdesk.customers.visibility import known_customers
from trustdesk.privacy import deadlines, dsr_rules

REASON_MAX = 1000
KINDS = tuple(DataRequest.Kind.choices)  # for the front doors, which hold no models
@transaction.atomic
def dsr_file(*, actor: Actor, customer_id, kind: str) -> RequestRow:
    """A member of staff files ``kind`` for a customer who asked by phone or letter.
    ``NotFound`` alike for no such customer and one the actor may not see (need-to-know):
    the answer never tells which. A second filing returns the open request."""
    policy.require(actor, "privacy_request.file")
    if kind not in DataRequest.Kind.values:
        raise ValidationError("Choose what the customer is asking for.", field="kind")
    try:
        uid = uuid.UUID(str(customer_id))
    except ValueError:
        raise NotFound() from None
    customer = Customer.objects.select_for_update().filter(
        pk=uid, status=Customer.Status.ACTIVE).first()
    if customer is None or customer.pk not in known_customers(actor, [customer.pk]):
        raise NotFound()
    existing = open_duplicate(customer, kind)
    row = existing or DataRequest(customer=customer, kind=kind, created_at=clock.now(),
                                  filed_by=actor.label)
    if existing is None:
        start_clock(row)
        # Taken by phone from a caller already verified to the request's level: the
        # identity is on record from the start. Otherwise it is confirmed later, and the
        # officer decides whether the clock waits for it.
        dsr_identity.at_filing(row, actor=actor, wait=False)
        row.save()
    record(actor=actor, action="privacy_request.file", object_type="customer",
           object_id=customer.pk, context={"request": row.pk, "kind": kind,
                                           "jurisdiction": row.jurisdiction,
                                           "existing": existing is not None})
    return row_of(row)


def open_request(request_id, *, seen_by: Actor | None = None) -> DataRequest:
    """The request, locked, if it is open. With ``seen_by``, a request about a customer
    that actor has no need to know is not found, open or closed: its state is theirs
    to know no more than its customer."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    row = DataRequest.objects.select_for_update().filter(pk=pk).first()
    if row is None or (seen_by is not None and row.customer_id not in known_customers(
            seen_by, [row.customer_id])):
        raise NotFound()
    if row.status != DataRequest.Status.OPEN:
        raise Conflict("This request is closed.")
    return row


def audit(actor: Actor, action: str, row: DataRequest, **context) -> None:
    record(actor=actor, action=action, object_type="privacy_request", object_id=row.pk,
           context={"customer": str(row.customer_id), "kind": row.kind,
                    "jurisdiction": row.jurisdiction, **context})


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def dsr_extend(*, actor: Actor, request_id, reason: str) -> RequestRow:
    """Extend the deadline by the rule's extension, with a reason (GDPR Art. 12(3):
    the requester must be told why). Refused once the rule's extensions are used up, or
    for a rule that allows none."""
    policy.require(actor, "privacy_request.manage")
    row = open_request(request_id)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError("Say why the request needs longer.", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Please write at most {REASON_MAX} characters.",
                              field="reason")
    rule = dsr_rules.rule_named(row.jurisdiction)
    now = clock.now()
    if row.due_at is not None and now >= dsr_clock.effective_due(row, now):
        # Art. 12(3): the requester is told of an extension within the first period;
        # one granted after the deadline would hide a breach.
        raise Conflict("The deadline has passed; an extension must be given before it.",
                       field="reason")
    if row.extensions >= rule.extensions:
        raise Conflict(f"{rule.label} allows {rule.extensions} extension(s) of "
                       f"{rule.extension or 'no time'}; this request has had "
                       f"{row.extensions}. The deadline cannot move further.",
                       field="reason")
    row.extensions += 1
    row.due_at = deadlines.due_at(row.created_at, rule, extensions=row.extensions,
                                  paused=row.paused_total)
    row.extension_reason, row.extended_by, row.extended_at = reason, actor.label, now
    row.save(update_fields=["extensions", "due_at", "extension_reason", "extended_by",
                            "extended_at"])
    audit(actor, "privacy_request.extend", row, extensions=row.extensions,
           due_at=_iso(row.due_at))
    return row_of(row)


@transaction.atomic
def dsr_pause(*, actor: Actor, request_id) -> RequestRow:
    """Stop the clock while the requester proves who they are (GDPR Art. 12(6)): only
    then, and only before the deadline. A requester already confirmed is waited for no
    longer, and a pause after the deadline would move it after the fact, hiding the
    breach (as an extension would, ``dsr_extend``)."""
    policy.require(actor, "privacy_request.manage")
    row = open_request(request_id)
    if row.paused_at is not None:
        raise Conflict("The clock of this request is paused already.")
    if row.identity_verified_at is not None:
        raise Conflict("The requester's identity is confirmed: the clock no longer waits "
                       "for it.")
    now = clock.now()
    if row.due_at is not None and now >= row.due_at:
        raise Conflict("The deadline has passed; the clock cannot be paused after it.")
    row.paused_at = now
    row.save(update_fields=["paused_at"])
    audit(actor, "privacy_request.pause", row)
    return row_of(row)


@transaction.atomic
def dsr_resume(*, actor: Actor, request_id) -> RequestRow:
    """The requester's identity is verified: the clock runs again, and the time it was
    paused is added to the deadline."""
    policy.require(actor, "privacy_request.manage")
    row = open_request(request_id)
    if row.paused_at is None:
        raise Conflict("The clock of this request is not paused.")
    paused = max(clock.now() - row.paused_at, dt.timedelta(0))
    row.paused_total += paused
    if row.due_at is not None:
        row.due_at += paused
    row.paused_at = None
    row.save(update_fields=["paused_total", "due_at", "paused_at"])
    audit(actor, "privacy_request.resume", row, paused_seconds=int(paused.total_seconds()),
           due_at=_iso(row.due_at))
    return row_of(row)


@transaction.atomic
def dsr_close(*, actor: Actor, request_id) -> RequestRow:
    """The request is answered (or withdrawn): its clock stops for good."""
    policy.require(actor, "privacy_request.manage")
    row = open_request(request_id)
    now = clock.now()
    if row.paused_at is not None:
        row.paused_total += max(now - row.paused_at, dt.timedelta(0))
        row.paused_at = None
    row.status, row.closed_at, row.closed_by = DataRequest.Status.CLOSED, now, actor.label
    row.save(update_fields=["status", "closed_at", "closed_by", "paused_at", "paused_total"])
    audit(actor, "privacy_request.close", row,
           late=row.due_at is not None and now >= row.due_at)
    return row_of(row)


@transaction.atomic
def dsr_confirm_identity(*, actor: Actor, request_id,
                         override_reason: str | None = None) -> RequestRow:
    """Record that the requester is the customer (``dsr_identity``): the member of staff
    holds the ``privacy_request`` verification level for them (they verified the caller),
    or — a privacy officer only, for a requester no code can reach — gives a reason,
    which is audited and alerts security officers. A paused clock runs again."""
    policy.require(actor, "privacy_request.file")
    if actor.is_system:
        raise PermissionDenied("A person confirms a requester's identity.",
                               permission="privacy_request.file")
    row = open_request(request_id, seen_by=actor)
    if row.identity_verified_at is not None:
        raise Conflict("The requester's identity is confirmed already.")
    method, reason = dsr_identity.level_held(actor, row.customer_id), None
    if method is None:
        if override_reason is not None:
            policy.require(actor, "privacy_request.manage")
        reason = verified.require_level(actor=actor, customer_id=row.customer_id,
                                        actions=dsr_identity.ACTION,
                                        override_reason=override_reason)
        method = "override"
    dsr_identity.mark_verified(row, actor=actor, method=method)
    row.save(update_fields=["identity_verified_at", "identity_method", "identity_by",
                            "paused_at", "paused_total", "due_at"])
    record(actor=actor, action="privacy_request.identity", object_type="privacy_request",
           object_id=row.pk, reason=reason or "",
           context={"customer": str(row.customer_id), "kind": row.kind, "method": method,
                    "due_at": _iso(row.due_at)})
    return row_of(row)
