"""Intake: a queued message becomes a ticket, or a message in one, or stays out.

1. Automatic mail (``Auto-Submitted``, ``Precedence: bulk``, bounces, a message that has
   passed through too many servers) is set aside, never turned into a ticket: a helpdesk
   that answers auto-replies talks to itself forever. So is a second delivery of a
   message (its Message-ID) that already reached one of the same customer's tickets.
2. Attachments are scanned (``scanner``); malware suspends the whole message, any other
   flag quarantines the file alone.
3. The customer is the sender, found through the blind index of their address; an unknown
   sender becomes a customer with the declared fields the message gives (address, name).
4. Threading: the signed ticket address (``support+t12.<sig>@…``) or ``In-Reply-To`` /
   ``References`` name a ticket. **No "ticket trick"**: the message joins that ticket's
   conversation only when it comes from the ticket's own customer *and* passed sender
   authentication. The same address unauthenticated is suspended; anyone else gets a
   ticket of their own — so a service's sign-up mail sent to a ticket's address never
   lands where the person who opened that ticket can read it.
5. The ticket services do the rest under the same rules as every other channel: the
   intake redaction of text and files, sealing, audit.

Everything about one message happens in one transaction; a failure leaves it queued for
the job's retry, never half-delivered. Once delivered, the raw message is shredded: what
remains is the ticket, and the verdicts on the ``InboundMail`` row.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from django.conf import settings
from django.db import transaction

from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers import selectors as customers
from trustdesk.customers import services as customer_services
from trustdesk.jobs.registry import job
from trustdesk.mailgateway import addresses, bounces, references, scanner, sealing, selftest
from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis import message as mime
from trustdesk.mailgateway.models import InboundMail, MessageRef, Route
from trustdesk.tickets import cc as ticket_cc
from trustdesk.tickets import intake as ticket_intake
from trustdesk.tickets import merge
from trustdesk.tickets import services as tickets
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Channel, Status, Ticket

log = logging.getLogger("trustdesk.mailgateway")
SYSTEM = Actor.system("mail intake")
MAX_HOPS = 30
State = InboundMail.State


@job(attempts=5, backoff=30)
def mail_intake(mail_id: int) -> str:
    return process(mail_id)


def process(mail_id: int) -> str:
    """Take one queued message through intake; returns what became of it."""
    mail = InboundMail.objects.filter(pk=mail_id, state=State.QUEUED).first()
    if mail is None:
        return "not queued"
    raw, envelope = sealing.open_raw(mail), sealing.open_envelope(mail)
    parsed = mime.parse(raw, mail_from=envelope.get("mail_from", ""))
    released = bool(mail.checks.get("released"))
    if parsed.test_tag and selftest.is_test(parsed.test_tag):
        return _set_aside(mail, "test", "The support address's test message.")
    if parsed.bounce:
        return _set_aside(mail, "bounce", "A delivery report (bounce), not a customer's "
                          "message.", envelope=envelope, parsed=parsed)
    if parsed.automatic:
        return _set_aside(mail, "automatic", f"An automatic message ({parsed.automatic}).")
    if parsed.received_count > MAX_HOPS:
        return _set_aside(mail, "loop", "The message passed through too many servers: a "
                          "mail loop.")
    # An officer's release vouches for whose mail it is; the disagreement alone does not
    # hold it back then.
    if not parsed.from_address or parsed.from_count != 1 or not (
            released or _author_checked(mail, parsed)):
        return _suspend(mail, "no_sender", "The message does not name exactly one sender "
                        "in From.")
    files, flags = scanner.scan_parts(parsed.attachments)
    if flags.get("malware") and not released:
        return _suspend(mail, "malware", "An attachment holds malware (or the EICAR test "
                        "file).", checks={"attachments": flags})
    # Files are read (PDFs parsed, text scanned for PII) before the write transaction.
    prepared = ticket_intake.prepare_attachments(files)
    return _deliver(mail, envelope, parsed, prepared, flags, released=released)


def _author_checked(mail: InboundMail, parsed: mime.Parsed) -> bool:
    """Whether the address intake takes for the sender is in the domain the gateway
    checked (``authenticate.author``, strict). A From that the strict reader finds no
    single author in — "ada@customer.test <eve@freemail.test>" — is a DMARC permerror,
    which no p=reject refuses; the lenient reader here would still take Ada's address
    from it and file the message as hers. Where the two readers disagree, nobody's
    customer record gets the message."""
    domain = parsed.from_address.rpartition("@")[2]
    checked = mail.checks.get("from_domain")
    return bool(checked) and domains.normalise(domain) == checked


def _candidate(envelope: dict, parsed: mime.Parsed, customer_id) -> Ticket | None:
    """The ticket the message says it belongs to: its signed address first, then the
    Message-IDs it answers — on the sender's own tickets first. A Message-ID is no
    secret (whoever was copied on a message knows it) and anyone can send mail under it:
    the newest ticket to hold it must not be where the customer's own reply goes."""
    routes = [r.address for r in Route.objects.filter(active=True)]
    for rcpt in envelope.get("recipients", ()):
        ticket_id = addresses.parse_ticket_address(rcpt, routes)
        if ticket_id is not None:
            # A merged ticket's mail goes where its conversation went.
            return merge.current(Ticket.objects.filter(pk=ticket_id).first())
    ids = [i for i in (*parsed.in_reply_to, *reversed(parsed.references)) if i]
    if not ids:
        return None
    refs = MessageRef.objects.filter(digest__in=[references.digest(i) for i in ids[:20]])
    own = refs.filter(ticket_id__in=Ticket.objects.filter(customer_id=customer_id)
                      .values("pk"))
    ticket_id = (own.order_by("-created_at").values_list("ticket_id", flat=True).first()
                 or refs.order_by("-created_at").values_list("ticket_id", flat=True).first())
    return merge.current(Ticket.objects.filter(pk=ticket_id).first()) if ticket_id else None


def _customer(parsed: mime.Parsed) -> uuid.UUID | None:
    found = customers.customer_for_contact(actor=SYSTEM, field="email",
                                           value=parsed.from_address)
    if found is not None:
        return found
    profile = {"email": parsed.from_address,
               "full_name": parsed.from_name or parsed.from_address}
    try:
        return customer_services.customer_create(actor=SYSTEM, profile=profile).id
    except ValidationError:
        # A display name the inventory refuses (a card number, say): the address alone.
        try:
            return customer_services.customer_create(
                actor=SYSTEM, profile={"email": parsed.from_address,
                                       "full_name": parsed.from_address}).id
        except ValidationError:
            return None


def _already_delivered(message_id: str, customer_id) -> bool:
    """Whether this customer's message with this Message-ID already reached a ticket. A
    sending server that lost our ``250`` (a crash between the commit and the answer)
    delivers the message again: one ticket, not two."""
    if not references.normalise(message_id):
        return False
    theirs = Ticket.objects.filter(customer_id=customer_id).values("pk")
    return MessageRef.objects.filter(digest=references.digest(message_id), outbound=False,
                                     ticket_id__in=theirs).exists()


def _body(parsed: mime.Parsed, dropped: int) -> str:
    body = parsed.text or "(The message has no text.)"
    if len(body) > settings.MESSAGE_MAX_CHARS - 200:
        body = body[: settings.MESSAGE_MAX_CHARS - 200] + "\n[… the rest of the text was cut]"
    if dropped:
        body += (f"\n\n[{dropped} further attachment(s) were not kept: a message keeps at "
                 f"most {settings.ATTACHMENTS_PER_MESSAGE}, each up to "
                 f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB.]")
    if parsed.unread:
        # Nested deeper or in more parts than intake reads: not scanned, so not kept, and
        # the agent is told rather than shown a message that looks whole.
        body += (f"\n\n[Parts of the message were not read: it nests parts more than "
                 f"{mime.MAX_DEPTH} deep or has more than {mime.MAX_PARTS}. Text and files "
                 "in them were not kept.]")
    return body


@transaction.atomic
def _deliver(mail, envelope, parsed, prepared, flags, *, released: bool) -> str:
    mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
    if mail.state != State.QUEUED:
        return "not queued"
    checks = dict(mail.checks)
    if flags:
        checks["attachments"] = flags
    authenticated = bool(checks.get("authenticated"))
    customer_id = _customer(parsed)
    if customer_id is None:
        return _suspend(mail, "unusable_sender", "The sender's address cannot be stored as "
                        "a customer's.", checks=checks)
    if _already_delivered(parsed.message_id, customer_id):
        return _set_aside(mail, "duplicate", "The same message (Message-ID) from the same "
                          "customer is already in a ticket: a retried delivery.")
    body = _body(parsed, scanner.dropped(flags))
    subject = parsed.subject or "(no subject)"
    candidate = _candidate(envelope, parsed, customer_id)
    message = None
    if candidate is not None:
        if candidate.customer_id != customer_id:
            checks["thread"] = "another customer's ticket: a ticket of the sender's own"
        elif not authenticated and not released:
            return _suspend(mail, "unauthenticated_reply",
                            f"A reply to ticket #{candidate.pk} from its customer's address "
                            "that did not pass sender authentication.", checks=checks)
        elif candidate.status == Status.CLOSED:
            checks["thread"] = "the ticket it answers is closed: a new ticket"
        else:
            try:
                message = tickets.ticket_add_inbound(
                    actor=SYSTEM, ticket_id=candidate.pk, body=body, attachments=prepared)
            except TicketClosed:
                message = None
            ticket = candidate
    if message is None:
        ticket = tickets.ticket_create(
            actor=SYSTEM, customer_id=customer_id, subject=subject[:200], body=body,
            channel=Channel.EMAIL, team_id=mail.route.team_id if mail.route else None,
            attachments=prepared)
        message = ticket.messages.order_by("id").first()
    if parsed.copied and ticket.customer_id == customer_id:
        # Whom the customer copied hear the replies too (sealed: ``tickets.cc``).
        ticket_cc.from_mail(ticket, parsed.copied, exclude=[
            parsed.from_address, *Route.objects.values_list("address", flat=True)])
    if parsed.message_id:
        # A Message-ID that is not one gives nothing to thread by.
        with contextlib.suppress(ValueError):
            references.remember(ticket_id=ticket.pk, customer_id=ticket.customer_id,
                                message_id=parsed.message_id, outbound=False)
    checks.update(_facts_for_banner(parsed))
    mail.checks, mail.state = checks, State.DELIVERED
    mail.ticket_id, mail.message_id, mail.processed_at = ticket.pk, message.pk, clock.now()
    sealing.shred(mail)
    mail.save()
    record(actor=SYSTEM, action="mail.deliver", object_type="mail", object_id=str(mail.uid),
           context={"ticket": ticket.pk, "message": message.pk,
                    "customer": str(customer_id), "thread": checks.get("thread", "")})
    return "delivered"


def _facts_for_banner(parsed: mime.Parsed) -> dict:
    """What the agent's banner needs later, without keeping an address: whether the
    reply-to differs from the sender."""
    differs = [a for a in parsed.reply_to if a != parsed.from_address]
    return {"reply_to_differs": bool(differs)}


def _suspend(mail: InboundMail, reason: str, text: str, *, checks: dict | None = None) -> str:
    with transaction.atomic():
        InboundMail.objects.filter(pk=mail.pk).update(
            state=State.SUSPENDED, reason=reason, reason_text=text[:300],
            checks={**mail.checks, **(checks or {})}, processed_at=clock.now())
        record(actor=SYSTEM, action="mail.suspend", object_type="mail",
               object_id=str(mail.uid), context={"reason": reason})
    return "suspended"


def _set_aside(mail: InboundMail, reason: str, text: str, *, envelope=None, parsed=None
               ) -> str:
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
        if reason == "bounce" and envelope is not None:
            _bounce(envelope, parsed)
        mail.state, mail.reason, mail.reason_text = State.IGNORED, reason, text[:300]
        mail.processed_at = clock.now()
        sealing.shred(mail)
        mail.save()
        record(actor=SYSTEM, action="mail.ignore", object_type="mail",
               object_id=str(mail.uid), context={"reason": reason})
    return "ignored"


def _bounce(envelope: dict, parsed) -> None:
    """A delivery report to one of our bounce addresses marks that outbound message."""
    for rcpt in envelope.get("recipients", ()):
        sent = bounces.mail_for_bounce_address(rcpt)
        if sent is not None:
            report = (parsed.text or "") if parsed else ""
            bounces.bounce_received(sent.uid, _dsn_status(parsed), report[:300])


def _dsn_status(parsed) -> str:
    """The delivery report's machine-readable part (RFC 3464), where its ``Status:``
    is; ``bounces`` reads the status from it (a permanent failure if it says none)."""
    for part in parsed.attachments if parsed else ():
        if part.content_type == "message/delivery-status":
            return part.data.decode("utf-8", "replace")[:2000]
    return ""
