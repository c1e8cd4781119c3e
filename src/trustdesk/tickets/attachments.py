"""Checks on files attached to messages: size, count and a safe name; storing them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from trustdesk.tickets.errors import AttachmentTooLarge, InvalidAttachment
from trustdesk.tickets.models import Attachment, Message
from trustdesk.tickets.sealing import seal_attachment

_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    data: bytes
    # Set by intake for a file it could not scan: a ``Quarantine`` value.
    quarantine: str = ""


def safe_filename(name: str) -> str:
    """Keep the last path component, drop control and separator characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:200] or "attachment"


def check_attachments(files: Sequence[NewAttachment]) -> None:
    if len(files) > settings.ATTACHMENTS_PER_MESSAGE:
        raise InvalidAttachment(
            f"At most {settings.ATTACHMENTS_PER_MESSAGE} attachments per message.",
            field="attachments",
        )
    for f in files:
        if len(f.data) > settings.ATTACHMENT_MAX_BYTES:
            limit_mb = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
            raise AttachmentTooLarge(
                f"{safe_filename(f.filename)} is larger than {limit_mb:g} MB.",
                field="attachments",
            )
        if not f.data:
            raise InvalidAttachment(f"{safe_filename(f.filename)} is empty.", field="attachments")


def store_attachments(customer_id, message: Message, files: Sequence[NewAttachment]) -> None:
    """Seal and store the files; ``message.attachment_list`` holds them, opened."""
    message.attachment_list = []
    for f in files:
        content_type = f.content_type.lower().strip()
        attachment = Attachment(
            message=message,
            # The declared type is only a label: downloads are always served as attachments.
            content_type=content_type if _CONTENT_TYPE.match(content_type)
            else "application/octet-stream",
            size=len(f.data),
            quarantine=f.quarantine,
        )
        seal_attachment(customer_id, attachment, filename=safe_filename(f.filename),
                        sha256=hashlib.sha256(f.data).hexdigest(), data=f.data)
        attachment.save()
        message.attachment_list.append(attachment)
