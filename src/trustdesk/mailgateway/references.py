"""Message-IDs of a ticket's conversation: found by their keyed digest (``MessageRef``),
and kept sealed under the customer's key so that a reply can name the message it answers
(``In-Reply-To``, ``References``) without the table holding the sender's domain in clear.
Intake records each inbound Message-ID here, the outbound side each one it sends."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from trustdesk import vault
from trustdesk.customers.models import subject_for
from trustdesk.mailgateway.models import MessageRef

SCOPE = "mail.message-id"
MAX_REFERENCES = 20  # RFC 5322 lets References grow; receivers thread on the last few


def normalise(message_id: str) -> str:
    """A Message-ID as compared: without its angle brackets and surrounding space."""
    return (message_id or "").strip().removeprefix("<").removesuffix(">").strip()


def digest(message_id: str) -> str:
    return vault.blind_index(SCOPE, normalise(message_id))


def _purpose(ticket_id: int, digest_: str) -> str:
    return f"mail.message-id:{ticket_id}:{digest_}"


def remember(*, ticket_id: int, customer_id, message_id: str, outbound: bool) -> MessageRef:
    """Record ``message_id`` as part of the ticket's conversation (once per ticket)."""
    value = normalise(message_id)
    if not value or any(c in value for c in "\r\n<>") or len(value) > 250:
        raise ValueError("not a Message-ID")
    key = digest(value)
    existing = MessageRef.objects.filter(digest=key, ticket_id=ticket_id).first()
    if existing is not None:
        return existing
    ref = MessageRef(digest=key, ticket_id=ticket_id, outbound=outbound,
                     header_sealed=vault.seal_text(subject_for(customer_id),
                                                   _purpose(ticket_id, key), value))
    try:
        with transaction.atomic():
            ref.save()
    except IntegrityError:  # recorded meanwhile by another process
        return MessageRef.objects.get(digest=key, ticket_id=ticket_id)
    return ref


def thread(*, ticket_id: int, customer_id) -> tuple[str | None, list[str]]:
    """(``In-Reply-To``, ``References``) for a new reply on the ticket: it answers the
    customer's latest message; References lists the conversation, oldest first, ending
    with that message."""
    refs = list(MessageRef.objects.filter(ticket_id=ticket_id, header_sealed__isnull=False)
                .order_by("created_at", "pk"))
    subject = subject_for(customer_id)
    ids = [(ref.outbound, "<" + vault.open_text(subject, _purpose(ticket_id, ref.digest),
                                                bytes(ref.header_sealed)) + ">")
           for ref in refs]
    last = max((i for i, (outbound, _) in enumerate(ids) if not outbound), default=None)
    if last is None:
        return None, []
    # The parent's own References are the conversation up to it (what came after, our
    # other replies, was not known to the customer's message).
    chain = [value for _, value in ids[:last + 1]][-MAX_REFERENCES:]
    return chain[-1], chain


def register_columns() -> None:
    from trustdesk.tickets.models import Ticket
    from trustdesk.vault import registry

    def of_customer(rows, subject):
        if not subject.startswith("customer:"):
            return rows.none()
        tickets = Ticket.objects.filter(customer_id=subject.split(":", 1)[1]).values("pk")
        return rows.filter(ticket_id__in=tickets, header_sealed__isnull=False)

    registry.register(registry.SealedColumn(
        model="mailgateway.MessageRef", column="header_sealed", rows_of=of_customer,
        purpose_of=lambda row: _purpose(row.ticket_id, row.digest),
        also_load=("ticket_id", "digest")))
