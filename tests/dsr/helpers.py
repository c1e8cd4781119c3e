"""Planting data for the copy to find: files and many messages written straight through
the sealing recipes (as intake stores them, without its scan, to be quick)."""

from __future__ import annotations

import hashlib

from trustdesk.tickets.models import Attachment, Direction, Message
from trustdesk.tickets.sealing import seal_attachment, seal_body


def attach(message: Message, *, filename: str, data: bytes, quarantine: str = "",
           content_type: str = "application/octet-stream") -> Attachment:
    customer_id = message.ticket.customer_id
    attachment = Attachment(message=message, content_type=content_type, size=len(data),
                            quarantine=quarantine)
    seal_attachment(customer_id, attachment, filename=filename,
                    sha256=hashlib.sha256(data).hexdigest(), data=data)
    attachment.save()
    return attachment


def messages(ticket, bodies, *, direction: str = Direction.INBOUND) -> list[Message]:
    rows = []
    for body in bodies:
        message = Message(ticket=ticket, direction=direction, channel="web")
        seal_body(ticket.customer_id, message, body)
        rows.append(message)
    return Message.objects.bulk_create(rows)
