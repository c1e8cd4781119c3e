"""PII written in conversations, decided by the field policy as profile fields are.

Intake tokenizes what a customer or an agent writes (``tickets.intake``); each kind of
value found (a detector *entity*) then falls under one field of the policy, and every
viewer sees it as their role's decision on that field says: hidden, masked, revealable
or in clear, and locked without a need to know. This is the one place that says which
entity is which field:

- a value the profile holds too follows that field: the inventory's field of that name,
  or else its first field of the same type (a renamed e-mail field still governs e-mail
  addresses); with neither, the entity is hidden from everyone (fail closed);
- ID and bank numbers, which no profile field holds, follow the conversation fields
  ``identity_number`` and ``bank_account`` (``access.fields.CONVERSATION_FIELDS``);
- any other entity (a custom recognizer's) follows ``other_value``: the role's
  catch-all rule.
"""

from __future__ import annotations

from trustdesk.access import fields as fp
from trustdesk.access import masking
from trustdesk.core.actor import Actor
from trustdesk.customers.visibility import field_policy
from trustdesk.privacy.inventory import get_inventory

# entity → (field name, inventory type to fall back on when no field has that name)
ENTITY_FIELDS: dict[str, tuple[str, str | None]] = {
    "EMAIL_ADDRESS": ("email", "email"),
    "PHONE_NUMBER": ("phone", "phone"),
    "CREDIT_CARD": ("payment_card", "card_number"),
    "DATE_TIME": ("date_of_birth", "date"),  # the detector finds labelled birth dates
    "STREET_ADDRESS": ("postal_address", None),
    "LOCATION": ("postal_address", None),  # only with a named-entity backend
    "US_SSN": ("identity_number", None),
    "CN_RESIDENT_ID": ("identity_number", None),
    "PASSPORT": ("identity_number", None),
    "DRIVER_LICENSE": ("identity_number", None),
    "IBAN_CODE": ("bank_account", None),
    "US_BANK_NUMBER": ("bank_account", None),
    "ABA_ROUTING_NUMBER": ("bank_account", None),
}
OTHER = "other_value"
_CONVERSATION = {c.name: c for c in fp.CONVERSATION_FIELDS}
# What a withheld value is called where it stood: "[email withheld]".
LABELS = {"email": "email", "phone": "phone number", "payment_card": "card number",
          "date_of_birth": "date of birth", "postal_address": "address",
          "identity_number": "ID number", "bank_account": "bank details"}


def field_for(entity: str) -> str:
    """The policy field that decides ``entity`` (see the module docstring)."""
    name, fallback = ENTITY_FIELDS.get(entity, (OTHER, None))
    inventory = get_inventory()
    if inventory.get(name) is not None or name in _CONVERSATION:
        return name
    for spec in inventory.fields:
        if fallback is not None and spec.type == fallback:
            return spec.name
    return name  # unknown to the policy: decided hidden


def field_type(entity: str) -> str | None:
    """The inventory type of ``entity``'s profile field; None for a value no profile
    field holds."""
    spec = get_inventory().get(field_for(entity))
    return spec.type if spec is not None else None


def decision(actor: Actor, entity: str, *, known: bool) -> str:
    """``actor``'s decision on values of ``entity`` of one customer: the policy's on its
    field, or ``locked`` where need-to-know withholds it (``known`` false)."""
    decided = field_policy().decide(actor.role, field_for(entity))
    return fp.LOCKED if decided != fp.HIDDEN and not known else decided


def underlying(actor: Actor, entity: str) -> str:
    """The policy's decision, need-to-know aside (what a break-glass would open)."""
    return field_policy().decide(actor.role, field_for(entity))


def restricted(entity: str) -> bool:
    """Whether revealing ``entity`` needs a fresh re-authentication (as its field)."""
    return entity == "CREDIT_CARD" or field_policy().restricted(field_for(entity))


def label(entity: str) -> str:
    field = field_for(entity)
    if field in LABELS:
        return LABELS[field]
    spec = get_inventory().get(field)
    return spec.label.lower() if spec is not None else "personal data"


def masked(entity: str, value: str) -> str | None:
    """The masked form a profile field of this kind shows (``access.masking``), or None
    if no profile field holds this kind of value."""
    ftype = field_type(entity)
    return masking.mask(ftype, value) if ftype is not None else None
