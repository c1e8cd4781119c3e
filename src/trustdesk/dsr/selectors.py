"""One privacy request as a privacy officer sees it (``privacy_request.view``): its
clock, its state and its timeline — every step, from the audit trail, which records
each one in the step's own transaction, so the timeline is what happened, not a second
account of it that could drift. Never the customer's words: they stay sealed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.customers.models import Customer, DataRequest
from trustdesk.customers.requests import RequestRow, row_of

WORDS = {
    "privacy_request.file": "Filed",
    "privacy_request.identity": "Requester's identity confirmed",
    "privacy_request.extend": "Deadline extended",
    "privacy_request.pause": "Clock paused for the requester's identity",
    "privacy_request.resume": "Clock running again",
    "privacy_request.remind": "Privacy officers reminded of the deadline",
    "privacy_request.breach": "Deadline passed: flagged as breached",
    "privacy_request.fulfil": "Fulfilled",
    "privacy_request.refused": "Refused under an exemption",
    "privacy_request.close": "Closed",
    "privacy_request.export_download": "The customer downloaded their copy",
}
# What of an event's context a step shows: how, never values.
SHOWN = ("method", "extensions", "due_at", "exemption", "purpose", "fields", "late",
         "existing", "counts")


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    action: str
    words: str
    by: str
    outcome: str
    facts: dict


@dataclass(frozen=True)
class RequestDetail:
    row: RequestRow
    customer_status: str
    restricted: bool
    identity_method: str
    identity_by: str
    extension_reason: str
    exemption_reason: str
    timeline: tuple[Step, ...]


def _steps(row: DataRequest) -> list[Step]:
    events = AuditEvent.objects.filter(object_type="privacy_request", object_id=str(row.pk),
                                       action__in=list(WORDS))
    filed = AuditEvent.objects.filter(action="privacy_request.file",
                                      customer=str(row.customer_id))
    steps = []
    for event in (events | filed).order_by("id").iterator():
        detail = canonical.detail(bytes(event.body))
        context = detail.get("context") or {}
        if event.action == "privacy_request.file" and context.get("request") != row.pk:
            continue
        steps.append(Step(at=event.at, action=event.action,
                          words=WORDS.get(event.action, event.action), by=event.actor_label,
                          outcome=event.outcome,
                          facts={k: context[k] for k in SHOWN if k in context}))
    return steps


@transaction.atomic
def request_detail(*, actor: Actor, request_id) -> RequestDetail:
    policy.require(actor, "privacy_request.view")
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = DataRequest.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if row is None:
        raise NotFound()
    customer = Customer.objects.get(pk=row.customer_id)
    record(actor=actor, action="privacy_request.view", object_type="privacy_request",
           object_id=row.pk, context={"customer": str(row.customer_id)})
    return RequestDetail(row=row_of(row), customer_status=customer.status,
                         restricted=customer.restricted_at is not None,
                         identity_method=row.identity_method, identity_by=row.identity_by,
                         extension_reason=row.extension_reason,
                         exemption_reason=row.exemption_reason,
                         timeline=tuple(_steps(row)))
