"""What we hold about a signed-in customer, for the portal: each profile field masked
as the inventory's sensitivity says, where the value came from, and the inventory's
purpose, legal basis and retention.

Where a value came from is read from the audit trail, not guessed: the newest
``customer.create`` or ``customer.update`` event naming the field says who wrote it —
the mail channel ("from your email to us"), the portal, a member of staff, or another
of TrustDesk's own jobs (an import, the demo). A field no event names says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from trustdesk.access import masking
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import read_profile
from trustdesk.privacy.inventory import get_inventory

# Shown masked to the customer too: a portal session on a shared computer, or a
# mailbox someone else reads, should not show these whole.
MASKED_SENSITIVITY = frozenset({"confidential", "restricted"})
SOURCES = {"system:mail intake": "mail", "system:portal": "portal"}


@dataclass(frozen=True)
class HeldField:
    name: str
    label: str
    value: str
    masked: bool
    source: str  # mail | portal | staff | system | unknown
    purpose: str
    legal_basis: str
    retention: str


def _customer_id(actor: Actor) -> str:
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    return actor.customer_id


def sources(customer_id) -> dict[str, str]:
    """Field → who last wrote it, from the audit trail."""
    found: dict[str, str] = {}
    events = AuditEvent.objects.filter(
        customer=str(customer_id), object_type="customer",
        action__in=("customer.create", "customer.update"),
        outcome=AuditEvent.Outcome.ALLOWED).order_by("-id")
    for event in events.iterator():
        detail = canonical.detail(bytes(event.body))
        if event.actor_user_id is not None or detail.get("actor_kind") in ("agent", "token"):
            source = "staff"
        else:
            source = SOURCES.get(event.actor_label, "system")
        for name in detail.get("fields") or ():
            found.setdefault(name, source)
    return found


@transaction.atomic
def my_data(*, actor: Actor) -> list[HeldField]:
    customer_id = _customer_id(actor)
    profile = read_profile(customer_id)
    if profile is None or profile.status != Customer.Status.ACTIVE:
        raise NotFound()
    origin = sources(customer_id)
    out = []
    for spec in get_inventory().fields:
        value = profile.profile.get(spec.name)
        if not value:
            continue
        masked = spec.sensitivity in MASKED_SENSITIVITY or spec.tokenized
        out.append(HeldField(
            name=spec.name, label=spec.label,
            value=masking.mask(spec.type, value) if masked else value, masked=masked,
            source=origin.get(spec.name, "unknown"), purpose=spec.purpose,
            legal_basis=spec.legal_basis, retention=spec.retention))
    record(actor=actor, action="portal.data_view", object_type="customer",
           object_id=customer_id, fields=[f.name for f in out])
    return out
