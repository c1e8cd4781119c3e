"""The satisfaction survey by email: when a ticket is solved (``tickets.csat.offer``),
its customer gets one short mail from the ticket's support address, DKIM-signed like a
reply, with the signed survey link. The mail names the ticket's number only.

Not sent (and said so in the log) when no support address is set up, the customer has no
usable email address, or TrustDesk does not know its own public address
(``TRUSTDESK_CONSOLE_URL``) to put in the link: a survey is never worth failing the
change that solved the ticket."""

from __future__ import annotations

import logging
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from django.conf import settings

from trustdesk import vault
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers.models import subject_for
from trustdesk.jobs.registry import enqueue
from trustdesk.mailgateway import footer, outbound, routes
from trustdesk.mailgateway.models import OutboundMail
from trustdesk.tickets import csat
from trustdesk.tickets.models import Survey

log = logging.getLogger("trustdesk.mailgateway")
SYSTEM = Actor.system("mail survey")


def queue_survey(survey: Survey) -> OutboundMail | None:
    ticket = survey.ticket
    if not settings.CONSOLE_URL:
        log.warning("survey of ticket %s not sent: TRUSTDESK_CONSOLE_URL is not set",
                    ticket.pk)
        return None
    route = outbound.route_of(ticket.pk, team_id=ticket.team_id)
    if route is None:
        return None
    try:
        to = outbound.customer_address(ticket.customer_id)
    except outbound.MailNotQueued:
        log.info("survey of ticket %s not sent: no usable customer address", ticket.pk)
        return None
    _, domain = routes.split(route.address)
    message_id = f"<{uuid.uuid4()}@{domain}>"
    link = f"{settings.CONSOLE_URL}/survey/{csat.token(survey)}/"
    mail = EmailMessage(policy=outbound.POLICY)
    mail["From"] = Address(display_name=outbound.one_line(route.name),
                           addr_spec=route.address)
    mail["To"] = to
    mail["Subject"] = f"How did we do? [#{ticket.pk}]"
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-generated"  # no auto-reply should answer it
    mail.set_content(footer.with_footer(
        f"Your request #{ticket.pk} is solved.\n\nHow did we do? One click tells us:\n"
        f"{link}\n\nThe link is yours alone and works for {csat.VALID_DAYS} days.\n"),
        charset="utf-8")
    raw = mail.as_bytes(policy=outbound.POLICY)
    signed = bool(route.dkim_selector and route.dkim_key_sealed)
    if signed:
        raw = outbound.sign(route, raw)
    uid = uuid.uuid4()
    sent = OutboundMail.objects.create(
        uid=uid, route=route, ticket_id=ticket.pk, message=None,
        message_id_header=message_id, dkim_selector=route.dkim_selector if signed else "",
        mime_sealed=vault.seal(subject_for(ticket.customer_id), outbound.mime_purpose(uid),
                               raw))
    from trustdesk.mailgateway.jobs import send_outbound

    enqueue(send_outbound, sent.pk)
    Survey.objects.filter(pk=survey.pk).update(sent_at=clock.now())
    record(actor=SYSTEM, action="mail.outbound.queue", object_type="mail_outbound",
           object_id=sent.pk, context={"ticket": ticket.pk, "survey": survey.pk,
                                       "route": route.pk,
                                       "customer": str(ticket.customer_id)})
    return sent
