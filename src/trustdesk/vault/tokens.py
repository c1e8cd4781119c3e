"""Reversible tokens for PII found in messages: the value is sealed in the vault under
its customer's key, the message keeps ``pii_<entity>_<random>`` and a masked form.

Like card tokens, these die with the customer: erasure shreds the key (every sealed
value becomes unreadable at once) and ``forget`` removes the rows.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from trustdesk.vault import recipes
from trustdesk.vault.errors import TokenUnknown
from trustdesk.vault.models import PiiToken

PREFIX = "pii_"
# The random part is hex so the token never contains the separators "_" and "-" of the
# entity part; 128 bits, so a token cannot be guessed.
PATTERN = re.compile(r"pii_[a-z0-9_]{2,64}_[0-9a-f]{32}")


@dataclass(frozen=True)
class Detokenized:
    token: str
    entity: str
    value: str


def _purpose(token: str) -> str:
    return f"pii:{token}"


def tokenize(subject: str, entity: str, value: str) -> str:
    """Seal ``value`` under ``subject``'s key; returns its new token."""
    token = f"{PREFIX}{entity.lower()}_{secrets.token_hex(16)}"
    PiiToken.objects.create(token=token, subject=subject, entity=entity,
                            sealed_value=recipes.seal(subject, _purpose(token), value))
    return token


def detokenize(subject: str, token: str) -> Detokenized:
    """The value behind ``token``. Raises ``TokenUnknown`` if ``subject`` has no such
    token (another customer's token is unknown too), ``SubjectErased`` once the
    subject's key has been shredded."""
    row = PiiToken.objects.filter(token=token, subject=subject).first()
    if row is None:
        raise TokenUnknown()
    value = recipes.open_text(subject, _purpose(token), bytes(row.sealed_value))
    return Detokenized(token=token, entity=row.entity, value=value)


def entity_of(subject: str, token: str) -> str:
    """What kind of value ``token`` stands for, without opening it. Raises
    ``TokenUnknown`` as ``detokenize`` does."""
    entity = PiiToken.objects.filter(token=token, subject=subject).values_list(
        "entity", flat=True).first()
    if entity is None:
        raise TokenUnknown()
    return entity


def forget(subject: str) -> None:
    PiiToken.objects.filter(subject=subject).delete()


def register_column() -> None:
    from trustdesk.vault import registry

    registry.register(registry.SealedColumn(
        model="vault.PiiToken", column="sealed_value",
        rows_of=lambda rows, subject: rows.filter(subject=subject),
        purpose_of=lambda row: _purpose(row.token), also_load=("token",),
    ))
