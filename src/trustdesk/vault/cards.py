"""Payment cards (PCI DSS): a PAN is tokenized on entry and shown at most as BIN and last
four (3.4.1); card security codes and PINs are never stored (3.3.1)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from trustdesk.vault import recipes
from trustdesk.vault.errors import InvalidCardNumber, SensitiveAuthenticationData, TokenUnknown
from trustdesk.vault.models import CardToken

# Names under which sensitive authentication data would arrive.
_SAD_NAME = re.compile(
    r"(^|[_\-\s])(cvv2?|cvc2?|cav2|cid|csc|cvn|security[_\-\s]?code|card[_\-\s]?verification"
    r"|pin|pin[_\-\s]?block|track[_\-\s]?[12]|track[_\-\s]?data|magstripe)($|[_\-\s])",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s\-.]")


def is_sensitive_authentication_name(name: str) -> bool:
    return bool(_SAD_NAME.search(name))


def refuse_sensitive_authentication_data(name: str) -> None:
    if is_sensitive_authentication_name(name):
        raise SensitiveAuthenticationData(
            f"'{name}' looks like a card security code or PIN. TrustDesk never stores these "
            "(PCI DSS 3.3.1); remove it from the request.",
            field=name,
        )


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def normalise_pan(raw: str, *, field: str | None = None) -> str:
    # As a person reads it: full-width or other scripts' digits as digits, invisible
    # characters (zero-width spaces) gone — how the PII detector finds it too.
    raw = "".join(str(unicodedata.digit(c)) if c.isdigit() else c
                  for c in unicodedata.normalize("NFKC", str(raw))
                  if unicodedata.category(c) != "Cf")
    digits = _SEPARATORS.sub("", raw)
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19 \
            or not luhn_valid(digits):
        raise InvalidCardNumber("This is not a valid card number.", field=field)
    return digits


DOT = "•"


# At least this many digits stay hidden: BIN and last four of a 12-digit Maestro would
# show ten of its twelve.
HIDDEN_DIGITS = 6


def mask(value: str) -> str:
    """The one card mask: BIN (first six) and last four, the most PCI DSS 3.4.1 allows
    to be displayed, from a number in any grouping; for a number shorter than 16 digits
    the last four only, so that at least six digits stay hidden. A value masked already
    stays as it is; anything too short to be a card shows nothing."""
    digits = "".join(c for c in value if c.isdigit())
    if DOT in value:
        return value
    if len(digits) < 12:
        return DOT * 4
    if len(digits) - 10 < HIDDEN_DIGITS:
        return f"{DOT * (len(digits) - 4)}{digits[-4:]}"
    return f"{digits[:6]}{DOT * (len(digits) - 10)}{digits[-4:]}"


@dataclass(frozen=True)
class Tokenized:
    token: str
    masked: str


def tokenize(subject: str, pan: str, *, field: str = "") -> Tokenized:
    token = "card_" + secrets.token_urlsafe(18)
    CardToken.objects.create(token=token, subject=subject, field=field,
                             sealed_pan=recipes.seal(subject, f"card:{token}", pan))
    return Tokenized(token=token, masked=mask(pan))


def detokenize(subject: str, token: str) -> str:
    row = CardToken.objects.filter(token=token, subject=subject).first()
    if row is None:
        raise TokenUnknown()
    return recipes.open_text(subject, f"card:{token}", bytes(row.sealed_pan))


def forget(subject: str, *, field: str | None = None) -> None:
    rows = CardToken.objects.filter(subject=subject)
    (rows if field is None else rows.filter(field=field)).delete()
