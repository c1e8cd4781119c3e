"""Conversations under the vault: message bodies, attachment names, digests and bytes are
sealed under the key of the ticket's customer, bound to the row they belong to."""

from __future__ import annotations

import json
from collections.abc import Iterable

from trustdesk import vault
from trustdesk.customers.models import subject_for
from trustdesk.tickets.models import Attachment, Message

ERASED_BODY = "[This message was erased with the customer's data.]"
ERASED_NAME = "[erased]"


def seal_body(customer_id, message: Message, body: str) -> None:
    message.body_sealed = vault.seal_text(subject_for(customer_id), _body(message), body)
    message.body = body


def _body(message: Message) -> str:
    return f"message.body:{message.uid}"


def _meta(attachment: Attachment) -> str:
    return f"attachment.meta:{attachment.uid}"


def _data(attachment: Attachment) -> str:
    return f"attachment.data:{attachment.uid}"


def seal_attachment(customer_id, attachment: Attachment, *, filename: str, sha256: str,
                    data: bytes) -> None:
    subject = subject_for(customer_id)
    meta = json.dumps({"filename": filename, "sha256": sha256})
    attachment.meta_sealed = vault.seal_text(subject, _meta(attachment), meta)
    attachment.data = vault.seal(subject, _data(attachment), data)
    attachment.filename, attachment.sha256 = filename, sha256


def open_messages(customer_id, messages: Iterable[Message], *, erased: bool) -> None:
    """Open bodies and attachment names in place: ``.body``, and ``.attachment_list`` of
    attachments with ``.filename`` and ``.sha256`` (the bytes stay sealed until download).
    A key or integrity failure raises: a conversation is shown whole or not at all. An
    erased customer's messages read as erased, without touching the vault."""
    subject = subject_for(customer_id)
    for message in messages:
        if erased:
            message.body = ERASED_BODY
        else:
            message.body = vault.open_text(subject, _body(message), bytes(message.body_sealed))
        message.attachment_list = list(message.attachments.all())
        for attachment in message.attachment_list:
            open_attachment_meta(customer_id, attachment, erased=erased)


def open_attachment_meta(customer_id, attachment: Attachment, *, erased: bool) -> None:
    if erased:
        attachment.filename, attachment.sha256 = ERASED_NAME, ""
        return
    meta = json.loads(vault.open_text(subject_for(customer_id), _meta(attachment),
                                      bytes(attachment.meta_sealed)))
    attachment.filename, attachment.sha256 = meta["filename"], meta["sha256"]


def open_attachment_data(customer_id, attachment: Attachment) -> bytes:
    return vault.open(subject_for(customer_id), _data(attachment), bytes(attachment.data))


def register_columns() -> None:
    from trustdesk.vault import registry

    def of_customer(rows, subject, path):
        return rows.filter(**{path: subject.split(":", 1)[1]})

    registry.register(registry.SealedColumn(
        model="tickets.Message", column="body_sealed",
        rows_of=lambda rows, s: of_customer(rows, s, "ticket__customer_id"),
        purpose_of=_body, also_load=("uid",)))
    registry.register(registry.SealedColumn(
        model="tickets.Attachment", column="meta_sealed",
        rows_of=lambda rows, s: of_customer(rows, s, "message__ticket__customer_id"),
        purpose_of=_meta, also_load=("uid",)))
    registry.register(registry.SealedColumn(
        model="tickets.Attachment", column="data",
        rows_of=lambda rows, s: of_customer(rows, s, "message__ticket__customer_id"),
        purpose_of=_data, also_load=("uid",)))
