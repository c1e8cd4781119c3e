"""What replaces a finding: keep, mask, replace with a tag, keyed hash, or a token from a
callable (the privacy vault, plugged in by the Django side; this package stays pure).

``redact(text, findings, operator)`` takes one operator for every entity, or a mapping
from entity to operator with ``"*"`` for the rest (``Replace()`` if absent).
"""

from __future__ import annotations

import abc
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from trustdesk.pii.findings import Finding, resolve_overlaps

# Entities whose every character is secret: a mask keeps none of them, whatever keep_last.
SECRET_ENTITIES = frozenset({"PASSWORD", "API_KEY", "PRIVATE_KEY"})
_DIGITS_ONLY = frozenset({"CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "US_BANK_NUMBER",
                          "ABA_ROUTING_NUMBER"})


class Operator(abc.ABC):
    @abc.abstractmethod
    def apply(self, value: str, entity: str) -> str:
        """What ``value`` (an ``entity``) becomes in the redacted text."""


@dataclass(frozen=True)
class Keep(Operator):
    """Leaves the value in clear (a policy may keep e-mail addresses, say)."""

    def apply(self, value: str, entity: str) -> str:
        return value


@dataclass(frozen=True)
class Mask(Operator):
    """Masks letters and digits except the last ``keep_last`` of them ("•••• 1111");
    separators stay unless ``keep_separators`` is false. Secrets are masked whole."""

    keep_last: int = 4
    char: str = "*"
    keep_separators: bool = True

    def __post_init__(self) -> None:
        if len(self.char) != 1 or self.keep_last < 0:
            raise ValueError("Mask needs a one-character mask and keep_last >= 0")

    def apply(self, value: str, entity: str) -> str:
        if entity in SECRET_ENTITIES:
            return self.char * len(value)
        keep = self.keep_last
        alnum = sum(c.isalnum() for c in value)
        # Never reveal half or more of a short value ("Jo" stays "**").
        keep = min(keep, (alnum - 1) // 2)
        hide = alnum - keep
        out = []
        for c in value:
            if c.isalnum():
                out.append(self.char if hide > 0 else c)
                hide -= 1
            elif self.keep_separators:
                out.append(c)
            else:
                out.append(self.char)
        return "".join(out)


@dataclass(frozen=True)
class Replace(Operator):
    """The entity tag, ``<CREDIT_CARD>``."""

    template: str = "<{entity}>"

    def apply(self, value: str, entity: str) -> str:
        return self.template.format(entity=entity)


@dataclass(frozen=True)
class KeyedHash(Operator):
    """``<EMAIL_ADDRESS#5f1c…>``: HMAC-SHA256 under ``key`` of the normalized value, so
    the same card written with spaces or dashes gives the same token (joins across
    tickets) and nobody without the key can test a guess against it."""

    key: bytes
    length: int = 16

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) < 16:
            raise ValueError("KeyedHash needs a key of at least 16 bytes")
        if not 8 <= self.length <= 64:
            raise ValueError("KeyedHash length must be 8..64 hex characters")

    def apply(self, value: str, entity: str) -> str:
        message = f"{entity}\x00{normalize(value, entity)}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).hexdigest()
        return f"<{entity}#{digest[:self.length]}>"

    def __repr__(self) -> str:
        return f"KeyedHash(key=<{len(self.key)} bytes>, length={self.length})"


@dataclass(frozen=True)
class Tokenize(Operator):
    """Whatever ``tokenizer(entity, value)`` returns, e.g. a reversible vault token."""

    tokenizer: Callable[[str, str], str]

    def apply(self, value: str, entity: str) -> str:
        return self.tokenizer(entity, value)


def normalize(value: str, entity: str) -> str:
    if entity in _DIGITS_ONLY:
        return "".join(c for c in value if c.isdigit())
    if entity == "IBAN_CODE":
        return "".join(value.split()).upper()
    if entity == "EMAIL_ADDRESS":
        return value.lower()
    if entity == "CN_RESIDENT_ID":
        return value.upper()
    return value


def redact(text: str, findings: Iterable[Finding],
           operator: Operator | Mapping[str, Operator] | None = None) -> str:
    """``text`` with each finding replaced by its operator's output. Overlapping findings
    are settled first (see ``findings.resolve_overlaps``), so the spans never clash."""
    pick = _picker(operator)
    out, pos = [], 0
    for f in resolve_overlaps(list(findings)):
        if f.start < pos or f.end > len(text):
            raise ValueError(f"finding {f} does not fit the text")
        out.append(text[pos:f.start])
        out.append(pick(f.entity).apply(text[f.start:f.end], f.entity))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def _picker(operator) -> Callable[[str], Operator]:
    if operator is None:
        operator = Replace()
    if isinstance(operator, Operator):
        return lambda entity: operator
    default = operator.get("*", Replace())
    return lambda entity: operator.get(entity, default)
