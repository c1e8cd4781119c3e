"""Accepted mail under the vault: each message's raw bytes and envelope are sealed under
a key of its own (``mail:<uid>``), so that dropping or deleting a message is a
crypto-shred, whatever copies of the database exist."""

from __future__ import annotations

import json

from trustdesk import vault
from trustdesk.mailgateway.models import InboundMail

RAW, ENVELOPE = "mail.raw", "mail.envelope"


def seal(mail: InboundMail, raw: bytes, envelope: dict) -> None:
    mail.raw_sealed = vault.seal(mail.subject, RAW, raw)
    mail.envelope_sealed = vault.seal_text(mail.subject, ENVELOPE, json.dumps(envelope))


def open_raw(mail: InboundMail) -> bytes:
    return vault.open(mail.subject, RAW, bytes(mail.raw_sealed))


def open_envelope(mail: InboundMail) -> dict:
    return json.loads(vault.open_text(mail.subject, ENVELOPE, bytes(mail.envelope_sealed)))


def shred(mail: InboundMail) -> None:
    """Destroy the message's key and drop its ciphertexts (the row stays: the verdicts
    and what became of the message)."""
    vault.shred(mail.subject)
    mail.raw_sealed = mail.envelope_sealed = None


def register_columns() -> None:
    from trustdesk.vault import registry

    def of_mail(rows, subject, column):
        if not subject.startswith("mail:"):
            return rows.none()
        # A shredded message keeps its row with the columns emptied.
        return rows.filter(uid=subject.split(":", 1)[1], **{f"{column}__isnull": False})

    for column, purpose in (("raw_sealed", RAW), ("envelope_sealed", ENVELOPE)):
        registry.register(registry.SealedColumn(
            model="mailgateway.InboundMail", column=column,
            rows_of=lambda rows, s, c=column: of_mail(rows, s, c),
            purpose_of=lambda row, p=purpose: p, also_load=("uid",)))
