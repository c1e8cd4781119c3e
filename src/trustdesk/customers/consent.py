"""Consent given and withdrawn, and objections (GDPR Art. 7 and 21), by the customer in
the portal or by staff on their behalf, saying how they were told.

Withdrawing consent to a field removes the field's value, as removing it by hand does
(the row, its index and search words), in the same transaction; withdrawing consent to a
purpose, or objecting to one, stops it: the product asks ``consent_selectors.allowed``
before it processes. A consent-based field is written only with a standing consent, or
with the consent recorded by the same write (``check_writes``, from
``customers.services``). Every change is audited — the purpose and how, never a value.
"""

from __future__ import annotations

import hashlib
import uuid

from django.db import IntegrityError, transaction

from trustdesk import vault
from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.customers import portal
from trustdesk.customers.consent_selectors import (
    WORDING,
    objection,
    require_serving,
    standing,
)
from trustdesk.customers.models import Consent, Customer, Method, Objection, subject_for
from trustdesk.customers.visibility import decisions
from trustdesk.privacy import holds
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.purposes import FIELD_PURPOSE, PurposeSpec

# What staff may say they were told through; the portal is the customer's own door.
STAFF_METHODS = tuple(m for m in Method.values if m != Method.PORTAL)
STAFF_METHOD_CHOICES = tuple((m.value, m.label) for m in Method if m != Method.PORTAL)
WORDING_MAX = 2000


def _method(actor: Actor, how: str | None, *, field: str = "how") -> str:
    if actor.is_customer:
        return Method.PORTAL
    how = (how or "").strip()
    if how not in STAFF_METHODS:
        raise ValidationError(
            f"Say how the customer told you: one of {', '.join(STAFF_METHODS)}.", field=field)
    return how


def _purpose(actor: Actor, name, *, known: bool = True) -> PurposeSpec:
    """The purpose named, if the actor may act on it: a field's own needs the field
    visible to them, and an unknown and a hidden one answer alike."""
    name = str(name or "").strip()
    spec = get_inventory().purpose(name)
    if spec is None or (not actor.is_customer and spec.field and decisions(
            actor, known=known).get(spec.field, fp.HIDDEN) == fp.HIDDEN):
        raise ValidationError(f"{name[:80]!r} is not a purpose the inventory declares.",
                              field="purpose")
    return spec


def _customer(actor: Actor, customer_id) -> Customer:
    """The customer acted for, locked: oneself in the portal, or one the member of staff
    serves (``consent.manage`` and need-to-know)."""
    if actor.is_customer:
        if str(customer_id) != str(actor.customer_id):
            raise NotFound()
    else:
        policy.require(actor, "consent.manage")
        require_serving(actor, customer_id)
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    if customer.status != Customer.Status.ACTIVE:
        raise Conflict("This customer's data has been erased.")
    return customer


def _count(actor: Actor) -> None:
    # Outside the transaction, first: a refused attempt counts too (customers.portal).
    if actor.is_customer:
        portal.count_write(actor.customer_id)


def grant(actor: Actor, customer: Customer, spec: PurposeSpec, method: str,
          wording: str | None = None) -> Consent:
    """Record consent (the caller holds the customer's row lock); the standing one if
    there is one already — a second click changes nothing."""
    if existing := standing(customer.pk, spec.name):
        record(actor=actor, action="consent.give", object_type="customer",
               object_id=customer.pk, context={"purpose": spec.name, "how": method,
                                               "consent": existing.pk, "existing": True})
        return existing
    shown = f"{spec.label}: {spec.description}"
    typed = (wording or "").replace("\x00", "").strip()[:WORDING_MAX]
    words = typed or shown
    try:
        with transaction.atomic():
            row = Consent.objects.create(
                customer=customer, purpose=spec.name, given_at=clock.now(), method=method,
                given_by=actor.label, wording="" if typed else shown,
                wording_sealed=vault.seal_text(subject_for(customer.pk), WORDING, typed)
                if typed else None,
                version=hashlib.sha256(words.encode()).hexdigest()[:16])
    except IntegrityError:  # given at the same moment elsewhere: that one stands
        return standing(customer.pk, spec.name)
    record(actor=actor, action="consent.give", object_type="customer",
           object_id=customer.pk, context={"purpose": spec.name, "how": method,
                                           "consent": row.pk, "version": row.version})
    return row


def consent_give(*, actor: Actor, customer_id: uuid.UUID, purpose: str,
                 how: str | None = None, wording: str | None = None) -> Consent:
    """The customer consents to ``purpose``: in the portal, or told to staff ``how``
    (with the words they agreed to, if not the inventory's)."""
    _count(actor)
    with transaction.atomic():
        customer = _customer(actor, customer_id)
        spec = _purpose(actor, purpose)
        if spec.legal_basis != "consent":
            raise Conflict(f"{spec.label} does not rest on consent: there is nothing to "
                           "give (a customer may object to it instead).")
        return grant(actor, customer, spec, _method(actor, how),
                     None if actor.is_customer else wording)


def _remove(customer: Customer, spec: PurposeSpec | None) -> tuple[list[str], dict]:
    """A field's value goes with its consent or an objection — unless a legal hold keeps
    the customer's data (GDPR Art. 17(3)(e)): then it is kept, unused, until released.
    Returns (fields removed, audit context)."""
    if spec is None or not spec.field:
        return [], {}
    if holds.is_held(customer.pk):
        return [], {"kept_for_hold": spec.field}
    # services imports this module for its write check; imported here to break the loop.
    from trustdesk.customers import services

    services.remove_fields(customer, [spec.field])
    return [spec.field], {}


def _consent_id(raw) -> int | None:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        return None  # a number a form or path could not hold: not found, as a wrong one
    return int(text)


def consent_withdraw(*, actor: Actor, customer_id: uuid.UUID, consent_id: int,
                     how: str | None = None) -> Consent:
    """Withdraw a standing consent (Art. 7(3)): a field's value goes with it, a purpose
    stops. Withdrawn already: ``Conflict``, and nothing changes."""
    _count(actor)
    with transaction.atomic():
        customer = _customer(actor, customer_id)
        wanted = _consent_id(consent_id)
        row = None if wanted is None else Consent.objects.select_for_update().filter(
            pk=wanted, customer=customer).first()
        if row is None:
            raise NotFound()
        spec = get_inventory().purpose(row.purpose)
        if spec is not None and spec.field and not actor.is_customer:
            _purpose(actor, row.purpose)  # a field they may not see: not theirs to touch
        if row.withdrawn_at is not None:
            raise Conflict(f"This consent was withdrawn already, on "
                           f"{row.withdrawn_at:%Y-%m-%d}: nothing changed.")
        method = _method(actor, how)
        row.withdrawn_at, row.withdrawn_by, row.withdrawal_method = (
            clock.now(), actor.label, method)
        row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_method"])
        removed, kept = _remove(customer, spec)
        record(actor=actor, action="consent.withdraw", object_type="customer",
               object_id=customer.pk, fields=removed,
               context={"purpose": row.purpose, "how": method, "consent": row.pk, **kept})
        return row


def object_to(*, actor: Actor, customer_id: uuid.UUID, purpose: str,
              request_id: int | None = None, how: str | None = None) -> Objection:
    """The customer objects to a purpose on legitimate interests (Art. 21): it stops for
    them, and a field's value is removed and not written again. ``request_id``: the
    privacy request it fulfils. Objecting twice returns the first objection."""
    _count(actor)
    with transaction.atomic():
        customer = _customer(actor, customer_id)
        spec = _purpose(actor, purpose)
        if spec.legal_basis == "consent":
            raise Conflict(f"{spec.label} rests on the customer's consent: withdraw the "
                           "consent instead of objecting.")
        if not spec.objectable:
            raise Conflict(f"{spec.label} rests on {spec.legal_basis.replace('_', ' ')}, "
                           "which cannot be objected to: the right to object covers "
                           "legitimate interests and public tasks only (GDPR Art. 21).")
        method = _method(actor, how or ("request" if request_id else None))
        if existing := objection(customer.pk, spec.name):
            record(actor=actor, action="consent.object", object_type="customer",
                   object_id=customer.pk, context={"purpose": spec.name, "how": method,
                                                   "request": request_id, "existing": True})
            return existing
        row = Objection.objects.create(customer=customer, purpose=spec.name, at=clock.now(),
                                       by=actor.label, method=method, request_id=request_id)
        removed, kept = _remove(customer, spec)
        record(actor=actor, action="consent.object", object_type="customer",
               object_id=customer.pk, fields=removed,
               context={"purpose": spec.name, "how": method, "request": request_id, **kept})
        return row


def check_writes(actor: Actor, customer_id, cleaned, *, consent_how: str | None,
                 ) -> list[PurposeSpec]:
    """Before a profile write: the consent-based fields written that have no standing
    consent — refused (``ValidationError`` naming the field) unless ``consent_how`` says
    how the customer gave it, and then returned, for ``grant_for_writes``. A field the
    customer objected to is refused."""
    inventory, missing = get_inventory(), []
    for name, value in cleaned.items():
        spec = inventory.purpose(FIELD_PURPOSE + name)
        if value is None or spec is None:
            continue
        if spec.legal_basis == "consent":
            if customer_id is None or standing(customer_id, spec.name) is None:
                missing.append(spec)
        elif spec.objectable and customer_id is not None and objection(customer_id,
                                                                      spec.name):
            raise ValidationError(f"The customer objected to keeping their "
                                  f"{spec.label.lower()}: it is not stored.", field=name)
    if missing and not consent_how:
        raise ValidationError(
            f"{missing[0].label} is kept only with the customer's consent, and none is "
            "recorded: say how they gave it (consent_how), or leave it empty.",
            field=missing[0].field)
    if missing:
        policy.require(actor, "consent.manage")
        _method(actor, consent_how, field="consent_how")
    return missing


def grant_for_writes(actor: Actor, customer: Customer, specs: list[PurposeSpec],
                     consent_how: str | None) -> None:
    for spec in specs:
        grant(actor, customer, spec, _method(actor, consent_how, field="consent_how"))
