"""Reads of consents and objections: whether the product may process a customer's data
for a purpose (``allowed``, asked before doing it), a customer's consents for staff
(``consent.view``, under need-to-know, audited) and for the customer in the portal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from trustdesk import vault
from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers.models import Consent, Customer, Objection, subject_for
from trustdesk.customers.visibility import decisions, known_customers
from trustdesk.privacy.inventory import PurposeSpec, get_inventory

WORDING = "consent_wording"  # the vault purpose of words staff typed


@dataclass(frozen=True)
class PurposeState:
    """One optional purpose for one customer: the standing consent or the objection, and
    the history of consents given and withdrawn."""

    purpose: PurposeSpec
    consent: Consent | None
    objection: Objection | None
    history: tuple[Consent, ...]

    @property
    def allowed(self) -> bool:
        return _allowed(self.purpose, self.consent is not None, self.objection is not None)


def _allowed(purpose: PurposeSpec, consented: bool, objected: bool) -> bool:
    if purpose.legal_basis == "consent":
        return consented
    return not (purpose.objectable and objected)


def standing(customer_id, purpose: str) -> Consent | None:
    return Consent.objects.filter(customer_id=customer_id, purpose=purpose,
                                  withdrawn_at__isnull=True).first()


def objection(customer_id, purpose: str) -> Objection | None:
    return Objection.objects.filter(customer_id=customer_id, purpose=purpose).first()


def allowed(customer_id, purpose: str) -> bool:
    """Whether TrustDesk may process the customer's data for ``purpose`` now. Fails
    closed: a purpose the inventory does not declare is never allowed (undeclared
    processing is not done), nor is anything for an erased customer, or one whose
    processing is restricted (Art. 18) — kept, not used."""
    spec = get_inventory().purpose(purpose)
    if spec is None:
        return False
    if not Customer.objects.filter(pk=customer_id, status=Customer.Status.ACTIVE,
                                   restricted_at__isnull=True).exists():
        return False
    return _allowed(spec, standing(customer_id, purpose) is not None,
                    objection(customer_id, purpose) is not None)


def wording_of(consent: Consent) -> str:
    """The words agreed to: the inventory's, or those staff typed (opened from the
    vault: for the customer's own copy of their data, never for a list — they may name
    anything, and no field policy can judge free text)."""
    if consent.wording_sealed is not None:
        return vault.open_text(subject_for(consent.customer_id), WORDING,
                               bytes(consent.wording_sealed))
    return consent.wording


def shown_wording(consent: Consent) -> str:
    """What lists show: the inventory's words, or a note that staff typed their own."""
    if consent.wording_sealed is not None:
        return "(the words recorded by staff, kept encrypted)"
    return consent.wording


def states(customer_id, purposes: tuple[PurposeSpec, ...] | None = None) -> list[PurposeState]:
    purposes = get_inventory().optional_purposes if purposes is None else purposes
    names = [p.name for p in purposes]
    consents = list(Consent.objects.filter(customer_id=customer_id, purpose__in=names)
                    .order_by("-given_at", "-id"))
    objections = {o.purpose: o for o in Objection.objects.filter(customer_id=customer_id,
                                                                  purpose__in=names)}
    out = []
    for p in purposes:
        history = tuple(c for c in consents if c.purpose == p.name)
        now = next((c for c in history if c.withdrawn_at is None), None)
        out.append(PurposeState(p, now, objections.get(p.name), history))
    return out


def visible_purposes(actor: Actor, *, known: bool) -> tuple[PurposeSpec, ...]:
    """The purposes an actor may see or act on: a field's own only if the field policy
    lets them see the field at all (its consent tells what the customer holds)."""
    rules = decisions(actor, known=known)
    return tuple(p for p in get_inventory().optional_purposes
                 if p.field is None or rules.get(p.field, fp.HIDDEN) != fp.HIDDEN)


def require_serving(actor: Actor, customer_id) -> Customer:
    """The active customer, if the actor has a need to know them: consent is recorded by
    whoever serves the customer, and by nobody else (no break-glass: nothing here is
    urgent). Missing and not theirs answer alike (``NotFound``)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None or customer.pk not in known_customers(actor, [customer.pk]):
        # As filing a privacy request for them: whether the customer exists is nothing
        # an agent who does not serve them learns here.
        raise NotFound(detail=f"{actor.label} has no need to know {customer_id}")
    return customer


@transaction.atomic
def consent_list(*, actor: Actor, customer_id: uuid.UUID) -> list[PurposeState]:
    """A customer's optional purposes with their consents and objections (staff)."""
    policy.require(actor, "consent.view")
    customer = require_serving(actor, customer_id)
    found = states(customer.pk, visible_purposes(actor, known=True))
    record(actor=actor, action="consent.list", object_type="customer",
           object_id=customer.pk, context={"purposes": [s.purpose.name for s in found]})
    return found


@transaction.atomic
def my_consents(*, actor: Actor) -> list[PurposeState]:
    """The signed-in customer's own, for the portal."""
    if not actor.is_customer or not actor.customer_id:
        raise PermissionDenied(detail=f"{actor.label} is not a signed-in customer")
    if not Customer.objects.filter(pk=actor.customer_id,
                                   status=Customer.Status.ACTIVE).exists():
        raise NotFound()
    found = states(actor.customer_id)
    record(actor=actor, action="portal.consent_view", object_type="customer",
           object_id=actor.customer_id)
    return found
