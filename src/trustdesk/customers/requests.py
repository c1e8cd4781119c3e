"""Privacy requests filed by customers in the portal: a copy of their data, a correction,
or erasure. Filing and listing only; fulfilling a request is its own use case.

What the customer writes is sealed under their own key (erasing the customer erases
it); the privacy officers' list shows the kind, the state and when, never the words.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied, RateLimited, ValidationError
from trustdesk.customers import dsr_clock, dsr_identity, portal
from trustdesk.customers.models import Customer, DataRequest, subject_for

PURPOSE = "data_request"
DETAILS_MAX = 2000
OPEN_MAX = 10  # open requests per customer: enough for anyone, not a flood


@dataclass(frozen=True)
class RequestRow:
    id: int
    customer_id: uuid.UUID
    kind: str
    status: str
    created_at: dt.datetime
    # The legal clock (docs/dsr.md); ``due_at`` moves on while ``paused``.
    jurisdiction: str = ""
    due_at: dt.datetime | None = None
    days_left: int | None = None
    paused: bool = False
    extended: bool = False
    breached: bool = False
    filed_by: str = ""
    # Fulfilment (``trustdesk.dsr``): whether the requester is verified, and how it ended.
    identity_verified: bool = False
    outcome: str = ""
    exemption: str = ""
    purpose: str = ""
    closed_at: dt.datetime | None = None


def row_of(r: DataRequest) -> RequestRow:
    now = clock.now()
    return RequestRow(id=r.pk, customer_id=r.customer_id, kind=r.kind, status=r.status,
                      created_at=r.created_at, jurisdiction=r.jurisdiction,
                      due_at=dsr_clock.effective_due(r, now),
                      days_left=dsr_clock.days_left(r, now), paused=r.paused_at is not None,
                      extended=r.extensions > 0, breached=r.breached_at is not None,
                      filed_by=r.filed_by, identity_verified=r.identity_verified_at is not None,
                      outcome=r.outcome, exemption=r.exemption, purpose=r.purpose,
                      closed_at=r.closed_at)


_row = row_of


def request_file(*, actor: Actor, kind: str, details: str = "") -> RequestRow:
    """The signed-in customer asks for ``kind`` (access, rectification, erasure).
    ``TooManyWrites`` past their hourly allowance of portal writes."""
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    portal.count_write(actor.customer_id)
    if kind not in DataRequest.Kind.values:
        raise ValidationError("Choose what you are asking for.", field="kind")
    details = (details or "").replace("\x00", "").strip()
    if len(details) > DETAILS_MAX:
        raise ValidationError(f"Please write at most {DETAILS_MAX} characters.",
                              field="details")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(
            pk=actor.customer_id, status=Customer.Status.ACTIVE).first()
        if customer is None:
            raise PermissionDenied(detail="no active customer")
        if DataRequest.objects.filter(customer=customer,
                                      status=DataRequest.Status.OPEN).count() >= OPEN_MAX:
            raise RateLimited("You have many requests open already; we will answer them "
                              "first.", retry_after=86400)
        if existing := dsr_clock.open_duplicate(customer, kind):
            # Filed twice (a double click, a second tab): the open request stands, with
            # its clock; the second text is not kept.
            record(actor=actor, action="privacy_request.file", object_type="customer",
                   object_id=customer.pk, context={"request": existing.pk, "kind": kind,
                                                   "existing": True})
            return _row(existing)
        row = DataRequest(
            customer=customer, kind=kind, created_at=clock.now(),
            details_sealed=vault.seal_text(subject_for(customer.pk), PURPOSE, details)
            if details else None)
        dsr_clock.start_clock(row)
        # Below the level a request needs, the customer is asked to verify in the
        # portal, and the clock waits for them.
        dsr_identity.at_filing(row, actor=actor, wait=True)
        row.save()
        record(actor=actor, action="privacy_request.file", object_type="customer",
               object_id=customer.pk, context={"request": row.pk, "kind": kind,
                                               "jurisdiction": row.jurisdiction,
                                               "identity": bool(row.identity_verified_at)})
        return _row(row)


@transaction.atomic
def my_identity_proved(*, actor: Actor) -> int:
    """The signed-in customer has just verified in the portal: every open request they
    filed there still waiting for their identity is confirmed, and its clock runs again.
    Returns how many; nothing happens below the level requests need. A request staff
    took by phone or letter is not among them: the customer proving who they are says
    nothing of who made it (the member of staff confirms that, ``dsr_confirm_identity``)."""
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    method = dsr_identity.level_held(actor, actor.customer_id)
    if method is None:
        return 0
    rows = list(DataRequest.objects.select_for_update().filter(
        customer_id=actor.customer_id, status=DataRequest.Status.OPEN,
        identity_verified_at__isnull=True, filed_by=""))
    for row in rows:
        dsr_identity.mark_verified(row, actor=actor, method=f"portal {method}")
        row.save(update_fields=["identity_verified_at", "identity_method", "identity_by",
                                "paused_at", "paused_total", "due_at"])
        record(actor=actor, action="privacy_request.identity", object_type="privacy_request",
               object_id=row.pk, context={"customer": str(row.customer_id), "kind": row.kind,
                                          "method": row.identity_method})
    return len(rows)


@transaction.atomic
def my_requests(*, actor: Actor) -> list[RequestRow]:
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    return [_row(r) for r in DataRequest.objects.filter(
        customer_id=actor.customer_id).order_by("-created_at", "-id")[:50]]


@transaction.atomic
def request_list(*, actor: Actor, limit: int | None = None) -> list[RequestRow]:
    """Every customer's requests, newest first (``privacy_request.view``); audited."""
    policy.require(actor, "privacy_request.view")
    limit = min(int(limit or getattr(settings, "PRIVACY_REQUESTS_PAGE", 200)), 500)
    rows = [_row(r) for r in DataRequest.objects.order_by("-created_at", "-id")[:limit]]
    record(actor=actor, action="privacy_request.list", object_type="privacy_request",
           context={"count": len(rows)})
    return rows
