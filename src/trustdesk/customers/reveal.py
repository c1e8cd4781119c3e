"""Reveal-with-reason: one field of one customer, in clear, for a short time.

The reveal is a use case like any other: one flow behind the console and the API, the
permission and policy checked here, the event (field and reason, never the value) written
in the same transaction. A field the policy makes ``revealable`` is revealed this way; a
field need-to-know withholds (``locked``) can be reached only by breaking the glass,
which also raises an alert for security officers.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk import pii
from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.access.services import alert_break_glass
from trustdesk.audit.services import record
from trustdesk.core import clock, metrics
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Gone, NotFound, PermissionDenied, ValidationError
from trustdesk.customers import verified
from trustdesk.customers.models import Customer, subject_for
from trustdesk.customers.profiles import build_profiles
from trustdesk.customers.visibility import decisions, field_policy, known_customers
from trustdesk.privacy.inventory import get_inventory
from trustdesk.vault import cards
from trustdesk.vault.models import CardToken

REASON_MIN = 5
REASON_MAX = 500


@dataclass(frozen=True)
class Revealed:
    customer_id: uuid.UUID
    field: str
    label: str
    value: str
    expires_at: dt.datetime
    break_glass: bool


def reveal_seconds() -> int:
    return int(getattr(settings, "ACCESS_REVEAL_SECONDS", 60))


def _real_text(reason: str) -> str:
    # Invisible format characters (zero-width spaces and joiners, word joiner, BOM, bidi
    # controls: category Cf) are dropped, and every kind of space, separator or control
    # becomes one space, so that a reason of five zero-width spaces or no-break spaces is
    # no reason at all, and the trail gets one line whatever was typed.
    kept = []
    for char in reason:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        kept.append(" " if category[0] in "ZC" else char)
    return " ".join("".join(kept).split())


# Kept in a reason: what identifies no customer (a link, an address of a server), and a
# date that is no birth date ("asked on 3 April").
_REASON_KEEPS = frozenset({"URL", "IP_ADDRESS"})


def without_personal_data(text: str) -> str:
    """``text`` with the personal data detection finds (e-mail, phone, card, ID and
    account numbers, birth dates, addresses, secrets) replaced by its kind. For reasons:
    they are kept in clear in the audit trail, which its readers and every export see,
    and an erasure's outlives the customer's key. Names are not detected without the
    optional NER backend (docs/pii.md)."""
    findings = [f for f in pii.scan(text) if f.entity not in _REASON_KEEPS and (
        f.entity != "DATE_TIME" or f.recognizer == "date_of_birth")]
    return pii.redact(text, findings, pii.Replace("[{entity} removed]")) if findings else text


def clean_reason(reason: str | None) -> str:
    """The reason as it goes into the trail: one line of real text, 5 to 500 characters
    (counted after invisible characters and surrounding space are removed), without the
    personal data a careless reason would copy into the trail (``without_personal_data``)."""
    reason = without_personal_data(_real_text(reason or ""))
    if len(reason) < REASON_MIN:
        raise ValidationError("Say why you need to see this value.", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.",
                              field="reason")
    return reason


def _clear_value(customer: Customer, spec, stored: str) -> str:
    if not spec.tokenized:
        return stored
    # The profile keeps only BIN and last four; the full number is behind its token.
    token = CardToken.objects.filter(subject=subject_for(customer.pk),
                                     field=spec.name).values_list("token", flat=True).first()
    return cards.detokenize(subject_for(customer.pk), token) if token else stored


@transaction.atomic
def customer_reveal(*, actor: Actor, customer_id, field: str, reason: str,
                    break_glass: bool = False,
                    verification_override: str | None = None) -> Revealed:
    """Reveal ``field`` of a customer to ``actor`` for ``ACCESS_REVEAL_SECONDS``.

    Fields classified restricted need a recent re-authentication
    (``Actor.reauthenticated``). ``break_glass`` must be set to reach
    a field need-to-know withholds; the reveal is then audited as such and alerts
    security officers. Raises ``ValidationError`` (reason), ``NotFound`` (no such
    customer or no value), ``PermissionDenied`` (policy), ``ReauthenticationRequired``,
    ``Gone`` (erased), ``VerificationRequired`` (the caller is not verified to the
    level a reveal needs, ``verified``; ``verification_override`` passes it with a
    reason, audited and alerted).
    """
    policy.require(actor, "customer.view")
    policy.require(actor, "customer.reveal")
    reason = clean_reason(reason)
    try:
        customer = Customer.objects.filter(pk=uuid.UUID(str(customer_id))).first()
    except ValueError:
        customer = None
    if customer is None:
        raise NotFound()
    if customer.status == Customer.Status.ERASED:
        raise Gone()
    spec = get_inventory().get(field)
    known = customer.pk in known_customers(actor, [customer.pk])
    decision = decisions(actor, known=known).get(field, fp.HIDDEN) if spec else fp.HIDDEN
    if decision == fp.HIDDEN:
        raise NotFound()  # a hidden field is, for this actor, no field at all
    base = field_policy().decide(actor.role, field)
    if decision == fp.LOCKED:
        if not break_glass:
            raise PermissionDenied("You have no need to know this customer: breaking the "
                                   "glass is possible, and alerts security officers.",
                                   permission="customer.need_to_know")
    elif base != fp.REVEALABLE:
        raise PermissionDenied("This field cannot be revealed in your role.",
                               permission="customer.reveal")
    if field_policy().restricted(field):
        policy.require_reauthentication(actor)
    stored = build_profiles([customer])[0].profile.get(field)
    if stored is None:
        raise NotFound()
    override = verified.require_level(actor=actor, customer_id=customer.pk,
                                      actions="reveal",
                                      override_reason=verification_override)
    glass = decision == fp.LOCKED
    # A reveal shows the value in clear, also when the glass is broken on a field the role
    # sees only masked: an alert for a value the person never saw would be noise, and
    # the emergency that justified breaking the glass would be left unserved.
    value = _clear_value(customer, spec, stored)
    record(actor=actor, action="customer.reveal", object_type="customer",
           object_id=customer.pk, fields=[field], reason=reason,
           context={"break_glass": glass, **(
               {"verification_override": override} if override else {})})
    metrics.count_reveal("field", break_glass=glass)
    if glass:
        alert_break_glass(actor=actor, customer_id=customer.pk, field=field, reason=reason)
    return Revealed(customer_id=customer.pk, field=field, label=spec.label, value=value,
                    expires_at=clock.now() + dt.timedelta(seconds=reveal_seconds()),
                    break_glass=glass)


def customer_field_masked(*, actor: Actor, customer_id, field: str) -> tuple[str, str]:
    """The field as the actor sees it without a reveal: ``(decision, shown value)``, the
    value masked, or empty when withheld. What a revealed value turns back into when its
    time is up. Raises ``NotFound`` for a hidden field or an unknown customer."""
    from trustdesk.customers.selectors import customer_get

    profile = customer_get(actor=actor, customer_id=customer_id)
    decision = profile.access.get(field)
    if decision is None:
        raise NotFound()
    return decision, profile.profile.get(field, "")
