"""Delivery status notifications for the gateway's own replies. Intake finds the bounce
address among a DSN's recipients (``addresses.parse_bounce_address``) and calls
``bounce_received``: the mail is marked bounced, the event audited, and the ticket gets an
internal note, so the agent knows the customer did not get the reply."""

from __future__ import annotations

import contextlib
import re
import uuid

from django.db import transaction

from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.mailgateway import addresses
from trustdesk.mailgateway.models import OutboundMail
from trustdesk.tickets import services as tickets
from trustdesk.tickets.errors import TicketClosed

SYSTEM = Actor.system("mail bounce")
_STATUS = re.compile(r"[245]\.\d{1,3}\.\d{1,3}")
DIAGNOSTIC_CHARS = 500


def _status(raw: str) -> str:
    match = _STATUS.search(raw or "")
    return match.group() if match else "5.0.0"  # a DSN without a status is a failure


def mail_for_bounce_address(address: str) -> OutboundMail | None:
    """The outbound mail a DSN sent to ``address`` is about: its uid in the tag, and the
    address under the support address the mail went out from (a uid moved under another
    address is not recognised)."""
    uid = addresses.parse_bounce_address(address)
    mail = (OutboundMail.objects.select_related("route").filter(uid=uid).first()
            if uid is not None else None)
    if mail is None or addresses.bounce_address(mail.route.address, mail.uid) != (
            address or "").strip().lower():
        return None
    return mail


@transaction.atomic
def bounce_received(outbound_uid, status: str, diagnostic: str = "") -> OutboundMail | None:
    """Record a DSN about an outbound mail: a permanent failure (5.x.x) marks it
    bounced; a delay (4.x.x) is only noted. None if there is no such mail.

    The diagnostic can quote the customer's address: it goes only into the note, which
    is redacted and sealed like every message; the mail row and the audit event keep
    the status code alone."""
    try:
        uid = uuid.UUID(str(outbound_uid))
    except ValueError:
        return None
    mail = OutboundMail.objects.select_for_update().filter(uid=uid).first()
    if mail is None:
        return None
    status = _status(status)
    permanent = status.startswith("5")
    if permanent:
        if mail.state == OutboundMail.State.BOUNCED:
            return mail  # the same DSN delivered twice
        mail.state, mail.last_error = OutboundMail.State.BOUNCED, f"bounced: {status}"
        mail.save(update_fields=["state", "last_error"])
    record(actor=SYSTEM, action="mail.outbound.bounce" if permanent else "mail.outbound.delay",
           object_type="mail_outbound", object_id=mail.pk,
           context={"ticket": mail.ticket_id, "status": status, "route": mail.route_id})
    said = " ".join((diagnostic or "").split())[:DIAGNOSTIC_CHARS]
    what = ("could not be delivered" if permanent else "is delayed")
    body = (f"The email reply {mail.message_id_header} {what} (status {status}). "
            + (f"The receiving server said: {said}" if said else ""))
    # A closed ticket takes no notes; the audit event and the mail's state stay.
    with contextlib.suppress(TicketClosed):
        tickets.ticket_reply(actor=SYSTEM, ticket_id=mail.ticket_id, body=body, internal=True)
    return mail
