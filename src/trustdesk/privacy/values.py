"""Validation and normalisation of customer profile values against the inventory.

Normalised values are what is stored and what exact-match search compares, so an email or
a phone number written two ways is still one value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from trustdesk.privacy.errors import InvalidFieldValue, MissingRequiredField, UndeclaredField
from trustdesk.privacy.inventory import FieldSpec, Inventory
from trustdesk.vault.cards import normalise_pan, refuse_sensitive_authentication_data

_MAX_LEN = {"text": 2000}
_DEFAULT_MAX_LEN = 200
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


def _clean_text(spec: FieldSpec, value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    allowed_controls = "\n\t" if spec.type == "text" else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed_controls for c in value):
        raise InvalidFieldValue(f"{spec.label} contains control characters.", field=spec.name)
    limit = _MAX_LEN.get(spec.type, _DEFAULT_MAX_LEN)
    if len(value) > limit:
        raise InvalidFieldValue(
            f"{spec.label} is longer than {limit} characters.", field=spec.name
        )
    return value


def _email(spec: FieldSpec, value: str) -> str:
    value = value.lower()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise InvalidFieldValue(
            f"{spec.label} is not a valid email address.", field=spec.name
        ) from None
    return value


def _phone(spec: FieldSpec, value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidFieldValue(
            f"{spec.label} must be a valid phone number in international form, "
            "e.g. +44 20 7946 0958.",
            field=spec.name,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _date(spec: FieldSpec, value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidFieldValue(
            f"{spec.label} must be a date written YYYY-MM-DD.", field=spec.name
        ) from None
    if not dt.date(1900, 1, 1) <= day <= dt.date.today():
        raise InvalidFieldValue(f"{spec.label} is out of range.", field=spec.name)
    return day.isoformat()


def _country(spec: FieldSpec, value: str) -> str:
    value = value.upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidFieldValue(
            f"{spec.label} must be a two-letter country code such as DE or US.", field=spec.name
        )
    return value


def _language(spec: FieldSpec, value: str) -> str:
    if not _LANGUAGE.match(value):
        raise InvalidFieldValue(
            f"{spec.label} must be a language tag such as en or pt-BR.", field=spec.name
        )
    return value


def _card(spec: FieldSpec, value: str) -> str:
    return normalise_pan(value, field=spec.name)


_NORMALISERS = {
    "email": _email, "phone": _phone, "date": _date, "country": _country,
    "language": _language, "card_number": _card,
}


def normalise_value(spec: FieldSpec, value: Any) -> str:
    """Return the stored form of ``value`` for ``spec`` or raise ``InvalidFieldValue``."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidFieldValue(f"{spec.label} must be text.", field=spec.name)
    text = _clean_text(spec, str(value))
    if not text:
        raise InvalidFieldValue(f"{spec.label} must not be empty.", field=spec.name)
    normaliser = _NORMALISERS.get(spec.type)
    return normaliser(spec, text) if normaliser else text


def validate_profile(
    inventory: Inventory, data: Mapping[str, Any], *, existing: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Check a profile (or, with ``existing``, a change to one) against the inventory.

    Returns the normalised values; ``None`` means "remove this optional field". Raises
    ``UndeclaredField`` for a field the inventory does not declare (nothing is stored),
    ``MissingRequiredField`` when a required field is absent or removed, and
    ``InvalidFieldValue`` for a value of the wrong form, and
    ``SensitiveAuthenticationData`` for a card security code or PIN.
    """
    for name in data:
        # Checked first, with its own message: this is never storable, declared or not.
        refuse_sensitive_authentication_data(name)
    for name in data:
        if inventory.get(name) is None:
            raise UndeclaredField(
                f"'{name}' is not a declared customer data field; TrustDesk stores only the "
                "fields listed in the data inventory.",
                field=name,
            )
    cleaned: dict[str, str | None] = {}
    for name, value in data.items():
        spec = inventory.by_name[name]
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[name] = None
        else:
            cleaned[name] = normalise_value(spec, value)
    present = {k for k, v in (existing or {}).items() if v is not None}
    present |= {k for k, v in cleaned.items() if v is not None}
    present -= {k for k, v in cleaned.items() if v is None}
    for name in inventory.required:
        if name not in present:
            label = inventory.by_name[name].label
            raise MissingRequiredField(f"{label} ({name}) is required.", field=name)
    return cleaned
