"""Partial values: enough to recognise ("is this the customer's address?"), not enough to
use. One function per inventory field type; ``mask(type, value)`` picks it.

A masked value never contains more than a few characters of the original: a short value
is masked whole.
"""

from __future__ import annotations

from trustdesk.vault import cards
from trustdesk.vault.cards import DOT


def keep_last(value: str, keep: int = 4) -> str:
    """All but the last ``keep`` characters hidden; at most a third of a value is kept,
    and nothing of one shorter than six, so a short value does not come out nearly
    whole."""
    keep = min(keep, len(value) // 3) if len(value) >= 6 else 0
    if keep <= 0:
        return DOT * max(len(value), 4)
    return DOT * (len(value) - keep) + value[-keep:]


def mask_email(value: str) -> str:
    """``jane.doe@example.com`` → ``j***@example.com``: the domain says which provider,
    the first letter helps recognise it, the rest stays hidden."""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return keep_last(value)
    return f"{local[0]}***@{domain}"


def mask_phone(value: str) -> str:
    """The last four digits only, as on a bank statement: ``•••• 4567``."""
    digits = [c for c in value if c.isdigit()]
    if len(digits) < 8:
        return DOT * 4
    return f"{DOT * 4} {''.join(digits[-4:])}"


# Card numbers are stored tokenized, as BIN and last four already; the vault's mask is the
# one that cuts a full number down to that.
mask_card = cards.mask


def mask_date(value: str) -> str:
    # Any part of a date of birth helps guess the rest: nothing is kept.
    return f"{DOT * 4}-{DOT * 2}-{DOT * 2}"


_BY_TYPE = {
    "email": mask_email,
    "phone": mask_phone,
    "card_number": mask_card,
    "date": mask_date,
}


def mask(field_type: str, value: str) -> str:
    """The masked form of ``value`` for a field of ``field_type``."""
    if not value:
        return ""
    return _BY_TYPE.get(field_type, keep_last)(value)
