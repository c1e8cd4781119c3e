"""Replies by email: an agent's stored reply becomes a DKIM-signed message from the
ticket's support address, sealed under the customer's key and sent by a job.

The recipient is the address the ticket's customer holds in their profile, and only it:
nothing a caller passes can add or change a recipient, so the gateway is no relay. What
cannot be done right (no address on file, keys that do not answer) refuses the whole
reply, which rolls back with it: nothing goes out unsigned or half-made in its place.
"""

from __future__ import annotations

import logging
import re
import uuid
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import dkim
from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound
from trustdesk.customers.models import Customer, subject_for
from trustdesk.customers.profiles import read_profile
from trustdesk.jobs.registry import enqueue
from trustdesk.mailgateway import addresses, footer, references, routes
from trustdesk.mailgateway.analysis.domains import normalise
from trustdesk.mailgateway.models import InboundMail, OutboundMail, Route
from trustdesk.tickets import cc as ticket_cc
from trustdesk.tickets import sealing as ticket_sealing
from trustdesk.tickets.models import Channel, Direction, Message, Ticket
from trustdesk.tickets.selectors import visible_tickets

log = logging.getLogger("trustdesk.mailgateway")

# 7bit: a relay without 8BITMIME would re-encode an 8-bit body, and the signature with it.
POLICY = email_policy.SMTP.clone(cte_type="7bit")
SIGNED_HEADERS = (b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"in-reply-to",
                  b"references", b"reply-to", b"mime-version", b"content-type")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|aw|sv|antw)\s*:\s*)+", re.IGNORECASE)


class MailNotQueued(Conflict):
    """The reply cannot be emailed; it is not stored either, so the agent sees why."""

    code = "mail_not_queued"
    message = "The reply could not be sent by email."


def mime_purpose(uid) -> str:
    return f"mail.outbound:{uid}"


def one_line(text: str) -> str:
    """A header value from stored text: control characters (CR and LF above all, which
    would start a header of their own) become spaces."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def reply_subject(subject: str, ticket_id: int) -> str:
    """``Re: <subject> [#<id>]``, without piling up prefixes or tags a subject that came
    in by mail already carries."""
    tag = f"[#{ticket_id}]"
    subject = _REPLY_PREFIX.sub("", one_line(subject)).replace(tag, "").strip()
    return f"Re: {' '.join(subject.split())} {tag}" if subject else f"Re: {tag}"


def route_of(ticket_id: int, *, team_id: int | None = None) -> Route | None:
    """The support address a ticket's mail came in to (its latest), else the one its
    replies went out from; for an email ticket opened by hand, the support address of
    its team, else the installation's first. None when no support address exists."""
    inbound = (InboundMail.objects.filter(ticket_id=ticket_id, route__isnull=False)
               .select_related("route").order_by("-received_at", "-id").first())
    if inbound is not None:
        return inbound.route
    sent = (OutboundMail.objects.filter(ticket_id=ticket_id).select_related("route")
            .order_by("-created_at", "-id").first())
    if sent is not None:
        return sent.route
    active = Route.objects.filter(active=True).order_by("id")
    return (active.filter(team_id=team_id).first() if team_id else None) or active.first()


def customer_address(customer_id) -> Address:
    """The customer's own email address, from their profile (opened in the vault)."""
    profile = read_profile(customer_id)
    raw = (profile.profile.get("email", "") if profile is not None
           and profile.status == Customer.Status.ACTIVE else "")
    local, at, domain = raw.strip().rpartition("@")
    ascii_domain = normalise(domain) if at else None
    if (not local or ascii_domain is None or not local.isascii() or _CONTROL.search(local)
            or any(c in local for c in ' ,;<>()[]\\"@')):
        raise MailNotQueued("The customer has no usable email address on file, so the "
                            "reply cannot be emailed.", field="email",
                            detail=f"customer {customer_id}: no valid email field")
    return Address(addr_spec=f"{local}@{ascii_domain}")


def build(*, route: Route, ticket: Ticket, message: Message, to: Address, message_id: str
          ) -> EmailMessage:
    mail = EmailMessage(policy=POLICY)
    mail["From"] = Address(display_name=one_line(route.name), addr_spec=route.address)
    mail["To"] = to
    if copies := ticket_cc.addresses(ticket):
        mail["Cc"] = [Address(addr_spec=a) for a in copies]
    mail["Reply-To"] = Address(display_name=one_line(route.name),
                               addr_spec=addresses.ticket_address(route.address, ticket.pk))
    mail["Subject"] = reply_subject(ticket.subject, ticket.pk)
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id
    in_reply_to, refs = references.thread(ticket_id=ticket.pk, customer_id=ticket.customer_id)
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = " ".join(refs)
    mail.set_content(footer.with_footer(message.body), charset="utf-8")
    for attachment in message.attachment_list:
        if attachment.quarantined:  # never scanned: it stays inside, for who may see it
            continue
        maintype, _, subtype = (attachment.content_type or "").partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        data = ticket_sealing.open_attachment_data(ticket.customer_id, attachment)
        mail.add_attachment(data, maintype=maintype, subtype=subtype,
                            filename=one_line(attachment.filename) or "attachment")
    return mail


def sign(route: Route, raw: bytes) -> bytes:
    """``raw`` with a DKIM-Signature of the route's key prepended (relaxed/relaxed:
    robust to the header re-folding relays do)."""
    _, domain = routes.split(route.address)
    signature = dkim.sign(raw, route.dkim_selector.encode(), domain.encode(),
                          routes.open_dkim_key(route), canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=list(SIGNED_HEADERS))
    return signature + raw


def queue_reply(message: Message, *, actor: Actor | None = None) -> OutboundMail | None:
    """Queue the email of a stored reply, in the caller's transaction (the reply flow's,
    which has checked ``actor`` may reply on the ticket). None for what is not emailed:
    a note, a ticket that did not come by email. Raises ``MailNotQueued`` (or the
    vault's error) when the reply cannot be emailed, which rolls the reply back."""
    ticket = message.ticket
    if message.direction != Direction.OUTBOUND or ticket.channel != Channel.EMAIL:
        return None
    route = route_of(ticket.pk, team_id=ticket.team_id)
    if route is None:
        # Email is not set up at all: the reply stays in the console, and says so.
        warnings = getattr(message, "guard_warnings", None)
        if isinstance(warnings, list):
            warnings.append("Not emailed: no support address is configured.")
        log.warning("mail: no support address; reply on ticket %s was not emailed",
                    ticket.pk)
        return None
    to = customer_address(ticket.customer_id)
    # The stored body, as the conversation shows it: redacted on the way in.
    ticket_sealing.open_messages(ticket.customer_id, [message], erased=False)
    uid = uuid.uuid4()
    _, domain = routes.split(route.address)
    message_id = f"<{uuid.uuid4()}@{domain}>"
    raw = build(route=route, ticket=ticket, message=message, to=to,
                message_id=message_id).as_bytes(policy=POLICY)
    signed = bool(route.dkim_selector and route.dkim_key_sealed)
    if signed:
        raw = sign(route, raw)
    else:
        log.warning("mail: route %s has no DKIM key; reply on ticket %s goes out unsigned",
                    route.pk, ticket.pk)
    outbound = OutboundMail.objects.create(
        uid=uid, route=route, ticket_id=ticket.pk, message=message,
        message_id_header=message_id, dkim_selector=route.dkim_selector if signed else "",
        mime_sealed=vault.seal(subject_for(ticket.customer_id), mime_purpose(uid), raw))
    references.remember(ticket_id=ticket.pk, customer_id=ticket.customer_id,
                        message_id=message_id, outbound=True)
    from trustdesk.mailgateway.jobs import send_outbound

    enqueue(send_outbound, outbound.pk)
    record(actor=actor or Actor.system("mail outbound"), action="mail.outbound.queue",
           object_type="mail_outbound", object_id=outbound.pk,
           context={"ticket": ticket.pk, "message": message.pk, "route": route.pk,
                    "dkim": outbound.dkim_selector or "unsigned",
                    "attachments": sum(not a.quarantined for a in message.attachment_list),
                    "customer": str(ticket.customer_id)})
    return outbound


@transaction.atomic
def mail_reply_queue(*, actor: Actor, message_id: int) -> OutboundMail | None:
    """Email a stored reply, once: a second call returns the mail already queued."""
    policy.require(actor, "ticket.reply")
    message = (Message.objects.select_related("ticket")
               .filter(pk=message_id, ticket__in=visible_tickets(actor)).first())
    if message is None:
        raise NotFound()
    existing = OutboundMail.objects.filter(message=message).first()
    if existing is not None:
        return existing
    return queue_reply(message, actor=actor)


def register_columns() -> None:
    from trustdesk.vault import registry

    def of_customer(rows, subject):
        if not subject.startswith("customer:"):
            return rows.none()
        tickets = Ticket.objects.filter(customer_id=subject.split(":", 1)[1]).values("pk")
        return rows.filter(ticket_id__in=tickets)

    def of_routes(rows, subject):
        if subject != routes.DKIM_SUBJECT:
            return rows.none()
        return rows.filter(dkim_key_sealed__isnull=False)

    registry.register(registry.SealedColumn(
        model="mailgateway.OutboundMail", column="mime_sealed", rows_of=of_customer,
        purpose_of=lambda row: mime_purpose(row.uid), also_load=("uid",)))
    registry.register(registry.SealedColumn(
        model="mailgateway.Route", column="dkim_key_sealed", rows_of=of_routes,
        purpose_of=lambda row: routes.dkim_purpose(row.address, row.dkim_selector),
        also_load=("address", "dkim_selector")))
