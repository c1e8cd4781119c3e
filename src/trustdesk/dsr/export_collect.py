"""What a customer's copy holds of their conversations: the tickets they opened and the
ones their address was copied on, message by message, read from iterators so that a
long history never sits in memory whole.

On their own tickets the customer gets their own messages whole and the replies sent to
them with other people's data taken out (``export_mask``). Intake never threads another
sender's mail into a ticket (no "ticket trick": someone copied who writes back gets a
ticket of their own), so the inbound messages of a ticket are its customer's; on a
ticket they were only copied on, those are another person's and are listed as withheld,
while the replies that were also sent to them are given scrubbed. Internal notes are the
staff's working notes, never sent to anyone, and are not part of the copy; their
existence shows in the access report.

Files: a clean attachment of a message the customer may have is listed and its bytes go
into the copy; a quarantined one (never scanned, or flagged) is listed as withheld with
its reason, as is every file on a ticket of someone else's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from trustdesk import vault
from trustdesk.access.roles import ROLE_LABELS
from trustdesk.accounts.models import User
from trustdesk.core.actor import Actor
from trustdesk.customers.models import subject_for
from trustdesk.customers.profiles import read_profile
from trustdesk.customers.selectors import customer_for_contact
from trustdesk.dsr.export_mask import WITHHELD, Others, own_text
from trustdesk.tickets import cc
from trustdesk.tickets.models import Attachment, Direction, Message, Ticket
from trustdesk.tickets.sealing import _body as body_purpose
from trustdesk.tickets.sealing import open_attachment_data, open_attachment_meta
from trustdesk.tickets.withhold import customer_text

SYSTEM = Actor.system("dsr export")
CHUNK = 100  # tickets per fetch
# Messages per fetch: each carries its sealed body (up to the message limit) and is
# held opened beside it while the batch is written.
MESSAGES = 20
STAFF = "TrustDesk staff"
OTHER_MESSAGE = "A message from another person, withheld."


@dataclass
class Attached:
    name: str  # inside the copy: attachments/<ticket>-<id>-<safe name>
    filename: str
    content_type: str
    size: int
    sha256: str
    withheld: str = ""  # why the bytes are not in the copy


@dataclass
class Conversation:
    id: int
    role: str  # "requester" | "copied"
    subject: str
    status: str
    channel: str
    created_at: object
    merged_into: int | None
    others_copied: int
    messages: Iterator[dict] = field(default_factory=lambda: iter(()))


def safe_name(filename: str) -> str:
    """A file name that is only ever a name inside the ZIP: no directory, no dot first,
    nothing but letters, digits, dot, dash and underscore."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename or "").lstrip("._")[-80:]
    return name or "file"


class Conversations:
    def __init__(self, customer_id, profile: dict[str, str]) -> None:
        self.customer_id = str(customer_id)
        self.profile = profile
        self.email = (profile.get("email") or "").strip().lower()
        self._staff: dict[int, tuple[str, ...]] = {}

    # --- which tickets -------------------------------------------------------------
    def tickets(self) -> Iterator[Conversation]:
        own = Ticket.objects.filter(customer_id=self.customer_id).order_by("created_at", "id")
        for ticket in own.iterator(chunk_size=CHUNK):
            yield self._conversation(ticket, "requester")
        if not self.email:
            return
        # Copies are sealed under each ticket's customer's key, so finding this address
        # among them means opening every list of copies (there is no index of them).
        copied = (Ticket.objects.filter(cc_sealed__isnull=False, customer__status="active")
                  .exclude(customer_id=self.customer_id).order_by("created_at", "id"))
        for ticket in copied.iterator(chunk_size=CHUNK):
            if self.email in cc.addresses(ticket):
                yield self._conversation(ticket, "copied")

    def _conversation(self, ticket: Ticket, role: str) -> Conversation:
        copies = cc.addresses(ticket)
        others = Others(self.profile.values())
        for address in copies:
            if address != self.email:
                others.add([address])
                self._add_customer(others, customer_for_contact(
                    actor=SYSTEM, field="email", value=address))
        mine = role == "requester"
        if not mine:
            self._add_customer(others, ticket.customer_id)
        subject = own_text(self.customer_id, ticket.subject) if mine else \
            "A conversation of another person's that your address was copied on"
        return Conversation(
            id=ticket.pk, role=role, subject=subject, status=ticket.status,
            channel=ticket.channel, created_at=ticket.created_at,
            merged_into=ticket.merged_into_id,
            others_copied=len([a for a in copies if a != self.email]),
            messages=self._messages(ticket, others, mine))

    def _add_customer(self, others: Others, customer_id) -> None:
        if customer_id is None or str(customer_id) == self.customer_id:
            return
        profile = read_profile(customer_id)
        if profile is not None:
            others.add_person(profile.profile)

    # --- messages ------------------------------------------------------------------
    def _messages(self, ticket: Ticket, others: Others, mine: bool) -> Iterator[dict]:
        rows = (Message.objects.filter(ticket=ticket).exclude(direction=Direction.NOTE)
                .order_by("created_at", "id").iterator(chunk_size=MESSAGES))
        # The files of each batch of messages in one query, without their bytes; not
        # prefetch_related, whose caches tie each row into a reference cycle that only
        # the garbage collector frees (memory would grow with the history).
        while batch := list(islice(rows, MESSAGES)):
            files: dict[int, list[Attachment]] = {}
            for attachment in Attachment.objects.filter(
                    message_id__in=[m.pk for m in batch]).defer("data").order_by("id"):
                files.setdefault(attachment.message_id, []).append(attachment)
            for message in batch:
                yield self._message(ticket, message, others, mine,
                                    files.get(message.pk, []))
            del batch

    def _message(self, ticket, message: Message, others: Others, mine: bool,
                 files: list[Attachment]) -> dict:
        inbound = message.direction == Direction.INBOUND
        entry = {"at": message.created_at, "direction": message.direction,
                 "channel": message.channel, "attachments": []}
        if inbound and not mine:
            return {**entry, "from": "another person", "withheld": True,
                    "body": OTHER_MESSAGE,
                    "attachments": [self._withheld_file(a, "another person's file")
                                    for a in files]}
        body = vault.open_text(subject_for(ticket.customer_id), body_purpose(message),
                               bytes(message.body_sealed))
        if inbound:
            entry.update({"from": "you", "withheld": False,
                          "body": own_text(self.customer_id, body)})
        else:
            others.add(self._staff_names(message.author_id))
            entry.update({"from": self._role(message.author_id), "withheld": False,
                          "body": others.scrub(body, opened_for=self.customer_id
                                               if mine else None)})
        entry["attachments"] = [self._file(ticket, a, others, mine)
                                for a in files]
        return entry

    def _staff_names(self, user_id) -> tuple[str, ...]:
        if user_id is None:
            return ()
        if user_id not in self._staff:
            user = User.objects.filter(pk=user_id).values_list("full_name", "email",
                                                               "role").first()
            self._staff[user_id] = tuple(user) if user else ("", "", "")
        name, email, _role = self._staff[user_id]
        return (name, email, *name.split())

    def _role(self, user_id) -> str:
        if user_id is None:
            return STAFF
        self._staff_names(user_id)
        return ROLE_LABELS.get(self._staff[user_id][2], STAFF)

    # --- files ---------------------------------------------------------------------
    def _withheld_file(self, attachment: Attachment, why: str) -> Attached:
        return Attached(name="", filename=WITHHELD, content_type=attachment.content_type,
                        size=attachment.size, sha256="", withheld=why)

    def _file(self, ticket, attachment: Attachment, others: Others, mine: bool) -> Attached:
        if not mine:
            return self._withheld_file(attachment, "another person's file")
        open_attachment_meta(ticket.customer_id, attachment, erased=False)
        item = Attached(
            name=f"attachments/{ticket.pk}-{attachment.pk}-{safe_name(attachment.filename)}",
            filename=attachment.filename, content_type=attachment.content_type,
            size=attachment.size, sha256=attachment.sha256)
        if attachment.quarantine:
            item.name, item.withheld = "", attachment.get_quarantine_display()
        return item

    def file_bytes(self) -> Iterator[tuple[str, bytes]]:
        """Each clean file of the customer's own tickets, one at a time (a file is
        opened whole: the vault seals it as one ciphertext, at most the attachment
        limit)."""
        ids = (Attachment.objects.filter(message__ticket__customer_id=self.customer_id,
                                         quarantine="")
               .exclude(message__direction=Direction.NOTE).order_by("id")
               .values_list("pk", flat=True))
        for pk in ids.iterator(chunk_size=CHUNK):
            # One row at a time: a chunk of rows would hold that many files' bytes.
            attachment = Attachment.objects.select_related("message__ticket").get(pk=pk)
            ticket = attachment.message.ticket
            open_attachment_meta(ticket.customer_id, attachment, erased=False)
            data = open_attachment_data(ticket.customer_id, attachment)
            if b", token " in data:
                # Intake tokenized values in a text file: the customer's own, opened.
                text = data.decode("utf-8", errors="surrogateescape")
                data = customer_text(self.customer_id, text).encode(
                    "utf-8", errors="surrogateescape")
            yield (f"attachments/{ticket.pk}-{attachment.pk}-"
                   f"{safe_name(attachment.filename)}", data)
