"""Use cases that create, change and erase customer profiles.

Only fields declared in the data inventory are accepted; the whole change is refused —
nothing stored — if any field is undeclared, missing or malformed. Every value is sealed
under the customer's own key; card numbers are tokenized; erasure destroys the key.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from trustdesk import vault
from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.access.services import alert_break_glass
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.customers import (
    consent,
    delivery,
    dsr_identity,
    names,
    notices,
    organisations,
    portal,
    verified,
)
from trustdesk.customers.models import Customer, CustomerField, subject_for
from trustdesk.customers.profiles import CustomerProfile, build_profiles, open_field, seal_field
from trustdesk.customers.reveal import clean_reason, without_personal_data
from trustdesk.customers.visibility import apply, decisions, field_policy, known_customers
from trustdesk.privacy import holds
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import validate_profile
from trustdesk.search import services as search
from trustdesk.vault import cards, keys, tokens


def _check_writable(actor: Actor, names, *, known: bool, overwrite: bool = True,
                    break_glass: bool = False, reason: str | None = None) -> str | None:
    """Writes obey the policy reads do. A field the actor may not see (hidden) cannot be
    written and answers like a missing one; a customer need-to-know withholds (locked)
    is written only by breaking the glass, with a reason (returned, cleaned);
    overwriting a restricted field (a card: the way to redirect a refund) needs a recent
    re-authentication, as its reveal does. Undeclared names are left to the
    inventory's own error."""
    inventory, rules = get_inventory(), decisions(actor, known=known)
    declared = [n for n in names if inventory.get(n) is not None]
    for name in declared:
        if rules.get(name, fp.HIDDEN) == fp.HIDDEN:
            raise NotFound(field=name, detail=f"{actor.label} may not see {name}")
    if overwrite and any(field_policy().restricted(n) for n in declared):
        policy.require_reauthentication(actor)
    if known:
        return None
    if not break_glass:
        raise PermissionDenied("You have no need to know this customer: breaking the glass "
                               "is possible, and alerts security officers.",
                               permission="customer.need_to_know")
    return clean_reason(reason)


def _email_changes(customer: Customer, cleaned: Mapping[str, str | None]) -> bool:
    """Whether ``cleaned`` gives the customer another email address (or removes it):
    compared as stored, so the same address typed another way changes nothing."""
    name = delivery.CHANNEL_FIELDS["email"]
    if name not in cleaned:
        return False
    row = CustomerField.objects.filter(customer=customer, name=name).first()
    return (open_field(customer.pk, name, row.sealed) if row else None) != cleaned[name]


def _write_fields(customer: Customer, cleaned: Mapping[str, str | None]) -> None:
    inventory = get_inventory()
    subject = subject_for(customer.pk)
    for name, value in cleaned.items():
        spec = inventory.by_name[name]
        if spec.tokenized:
            cards.forget(subject, field=name)
        if value is None:
            removed = CustomerField.objects.filter(customer=customer, name=name)
            if name in names.FINDABLE:
                for field_id in removed.values_list("id", flat=True):
                    search.index_field(customer_id=customer.pk, field_id=field_id,
                                       name=name, value=None)
            removed.delete()
            continue
        if spec.searchable:
            lookup = vault.blind_index(name, value)
        elif name == names.FIELD:
            lookup = names.claim_token(value)  # recognised by channels, never searched
        else:
            lookup = ""
        if spec.tokenized:
            # The PAN goes into the vault; the profile keeps only BIN and last four.
            value = cards.tokenize(subject, value, field=name).masked
        row, _ = CustomerField.objects.update_or_create(
            customer=customer, name=name,
            defaults={"sealed": seal_field(customer.pk, name, value), "lookup": lookup},
        )
        if name in names.FINDABLE:
            search.index_field(customer_id=customer.pk, field_id=row.pk, name=name,
                               value=value)


def remove_fields(customer: Customer, names: list[str]) -> None:
    """Remove fields as a write of ``None`` does (``customers.consent``: consent withdrawn
    or an objection). The caller holds the customer's row lock and audits it."""
    if not transaction.get_connection().in_atomic_block:
        raise Conflict("Fields are removed inside the use case's transaction.")
    _write_fields(customer, dict.fromkeys(names))
    customer.save(update_fields=["updated_at"])


@transaction.atomic
def customer_create(*, actor: Actor, profile: Mapping[str, Any],
                    consent_how: str | None = None) -> CustomerProfile:
    """Create a customer. Raises ``UndeclaredField``, ``MissingRequiredField``,
    ``InvalidFieldValue`` or ``SensitiveAuthenticationData`` (naming the field) before
    anything is written; a consent-based field needs ``consent_how`` (how the customer
    gave it: recorded as their consent)."""
    policy.require(actor, "customer.create")
    # The input's shape first (an undeclared field, a security code: never stored), then
    # the policy: a new customer is nobody's yet, so its answer per field is what counts.
    cleaned = validate_profile(get_inventory(), profile)
    _check_writable(actor, profile.keys(), known=True, overwrite=False)
    consents = consent.check_writes(actor, None, cleaned, consent_how=consent_how)
    # Writing from an organisation's domain makes the new customer one of its people.
    customer = Customer.objects.create(organisation_id=organisations.for_email(
        cleaned.get("email")))
    consent.grant_for_writes(actor, customer, consents, consent_how)
    _write_fields(customer, cleaned)
    record(actor=actor, action="customer.create", object_type="customer",
           object_id=customer.pk, fields=[k for k, v in cleaned.items() if v is not None],
           context={"organisation": customer.organisation_id}
           if customer.organisation_id else None)
    return apply(actor, build_profiles([customer]))[0]


@transaction.atomic
def customer_update(
    *, actor: Actor, customer_id: uuid.UUID, changes: Mapping[str, Any],
    break_glass: bool = False, reason: str | None = None,
    verification_override: str | None = None, identity_request: int | None = None,
    consent_how: str | None = None) -> CustomerProfile:
    """Change some profile fields; ``None`` or an empty value removes an optional field.

    The field policy holds as for reads (``_check_writable``): ``NotFound`` for a field
    the actor may not see, ``PermissionDenied`` for a customer need-to-know withholds
    unless ``break_glass`` with ``reason`` (audited, alerts security officers),
    ``ReauthenticationRequired`` for restricted fields. A change of email, phone or
    payment details needs the caller verified (``verified.require_level``, raising
    ``VerificationRequired``) or ``verification_override`` with a reason; the old email
    or phone is told of the change, and a new email address ends every portal session
    and unused sign-in link of the old one. A consent-based field is written only with
    the customer's consent on record, or ``consent_how`` recording it now.

    ``identity_request``: a rectification request whose requester's identity is
    confirmed (``dsr_identity.vouches``) stands in for the caller's verification, and is
    the one way to change a customer whose processing is restricted."""
    policy.require(actor, "customer.update")
    if identity_request is not None:
        # A request's word is a privacy officer's to act on (``dsr.services``), not a way
        # round the caller's verification for whoever knows its number.
        policy.require(actor, "privacy_request.manage")
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    if customer.status != Customer.Status.ACTIVE:
        raise Conflict("This customer's data has been erased.")
    vouched = dsr_identity.vouches(identity_request, customer_id=customer.pk,
                                   kind="rectification") \
        if identity_request is not None else None
    if customer.restricted_at is not None and vouched is None:
        # GDPR Art. 18: restricted data is stored, not used or changed — but it may be
        # corrected, which is often why it was restricted.
        raise Conflict("Processing of this customer's data is restricted: it changes only "
                       "through a correction request.")
    known = customer.pk in known_customers(actor, [customer.pk])
    reason = _check_writable(actor, changes.keys(), known=known, break_glass=break_glass,
                             reason=reason)
    existing = {name: "" for name in customer.fields.values_list("name", flat=True)}
    cleaned = validate_profile(get_inventory(), changes, existing=existing)
    consents = consent.check_writes(actor, customer.pk, cleaned, consent_how=consent_how)
    override = None if vouched is not None else verified.require_level(
        actor=actor, customer_id=customer.pk, actions=verified.actions_for_fields(cleaned),
        override_reason=verification_override)
    notices.keep_replaced(customer, cleaned)
    if _email_changes(customer, cleaned):
        # The portal is entered through the mailbox: the old one's reader must lose it.
        portal.revoke(actor=actor, customer_id=customer.pk, reason="email_change")
    consent.grant_for_writes(actor, customer, consents, consent_how)
    _write_fields(customer, cleaned)
    customer.save(update_fields=["updated_at"])
    glass = reason is not None
    record(actor=actor, action="customer.update", object_type="customer",
           object_id=customer.pk, fields=cleaned.keys(),
           reason="; ".join(r for r in (reason, override) if r),
           context={"break_glass": glass, **(
               {"verification_override": True} if override else {}), **(
               {"request": vouched.pk} if vouched is not None else {})})
    if glass:
        alert_break_glass(actor=actor, customer_id=customer.pk,
                          field=f"write:{','.join(sorted(cleaned))}"[:64], reason=reason)
    return apply(actor, build_profiles([customer]))[0]


def customer_erase(*, actor: Actor, customer_id: uuid.UUID, reason: str,
                   verification_override: str | None = None,
                   identity_request: int | None = None) -> CustomerProfile:
    """Erase a customer by crypto-shredding: their key is destroyed, so every copy of
    their data — profile, messages, attachments, card and PII tokens, in the database,
    its dumps and backups — becomes unreadable. What remains is the erasure record: who, when, why.
    An erasure request whose requester is verified (``identity_request``) stands in for
    the caller's verification.
    """
    policy.require(actor, "customer.erase")
    if identity_request is not None:
        policy.require(actor, "privacy_request.manage")  # as for ``customer_update``
    policy.require_reauthentication(actor)  # erasure cannot be undone
    # The reason outlives the key: no contact detail typed into it may stay behind.
    reason = without_personal_data((reason or "").strip())
    if not reason:
        raise ValidationError("Say why the customer is erased.", field="reason")
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    if customer.status == Customer.Status.ERASED:
        raise Conflict("This customer has already been erased.")
    # A legal hold outranks an erasure request (GDPR Art. 17(3)(e)): nothing of theirs
    # is destroyed until a privacy officer releases it. An erasure whose key went
    # already (its record's transaction failed) is completed: the hold can keep nothing.
    if holds.is_held(customer.pk) and not keys.keystore().is_shredded(
            subject_for(customer.pk)):
        raise Conflict("This customer's data is under a legal hold: it cannot be erased "
                       "until the hold is released.")
    # Asked on the caller's word, erasure is the one change that cannot be put right:
    # the gate holds here, and an override's alert is written before the key goes.
    if identity_request is not None:
        dsr_identity.vouches(identity_request, customer_id=customer.pk, kind="erasure")
    elif verification_override is None:
        verified.require_level(actor=actor, customer_id=customer.pk, actions="erase")
    else:
        with transaction.atomic():
            override = verified.require_level(actor=actor, customer_id=customer.pk,
                                              actions="erase",
                                              override_reason=verification_override)
            # A caller already verified needed no override: none is recorded, so the
            # audit trail's overrides are the gates actually passed on a reason.
            if override is not None:
                record(actor=actor, action="customer.verification_override",
                       object_type="customer", object_id=customer.pk, reason=override,
                       context={"actions": ["erase"]})
    customer = shred(actor=actor, customer_id=customer.pk, reason=reason)
    return apply(actor, build_profiles([customer]))[0]


def shred(*, actor: Actor, customer_id: uuid.UUID, reason: str,
          context: dict | None = None) -> Customer:
    """The crypto-shredding itself, shared by ``customer_erase`` (after its checks) and
    retention enforcement (``trustdesk.retention``): destroy the key, then leave only the
    erasure record — who (``actor.label``), when, why — audited as ``customer.erase``.
    ``reason`` must already be free of personal data."""
    policy.require(actor, "customer.erase")
    # The key goes first, outside the transaction: if what follows fails, the data is
    # already unreadable (fail closed) and erasing again completes the record.
    destroyed = vault.shred(subject_for(customer_id))
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        CustomerField.objects.filter(customer=customer).delete()
        search.forget_customer(customer.pk)  # the words their fields and messages held
        cards.forget(subject_for(customer.pk))
        tokens.forget(subject_for(customer.pk))
        customer.status = Customer.Status.ERASED
        customer.erased_at = clock.now()
        customer.erased_by = actor.label
        customer.erasure_reason = reason
        customer.save()
        portal.revoke(actor=actor, customer_id=customer.pk, reason="erase", erased=True)
        record(actor=actor, action="customer.erase", object_type="customer",
               object_id=customer.pk, reason=reason,
               context={"key_versions": destroyed, **(context or {})})
    return customer


def fields_expire(*, actor: Actor, customer: Customer, names: list[str]) -> None:
    """Remove fields whose retention ran out (``trustdesk.retention``), as removing them
    by hand does: the row, its blind index and search words, a card's vault token. The
    caller holds the customer's row lock and records the removal in its transaction."""
    policy.require(actor, "customer.erase")
    if not transaction.get_connection().in_atomic_block:
        raise Conflict("Expired fields are removed inside the run's transaction.")
    _write_fields(customer, dict.fromkeys(names))
