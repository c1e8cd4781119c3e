"""The mail gateway's jobs: sending a queued reply through the relay, intake
(``intake.mail_intake``), and forgetting old greylisting triplets.

The signed bytes are handed to the relay exactly as they were sealed: re-encoding them
(Django's EmailMessage would build its own MIME) would break the DKIM signature. A relay's
5xx is final (the mail fails, the job goes to the dead-letter list); a 4xx, a refused
connection or a timeout is retried with backoff, and the mail fails when retries run out.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from email import message_from_bytes
from email import policy as email_policy
from email.utils import getaddresses

from django.core import mail as django_mail
from django.db import transaction

from trustdesk import vault
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers.models import subject_for
from trustdesk.jobs import failures
from trustdesk.jobs.registry import job, retry_for, schedule
from trustdesk.mailgateway import addresses
from trustdesk.mailgateway.models import OutboundMail
from trustdesk.mailgateway.outbound import mime_purpose
from trustdesk.tickets.models import Ticket

SYSTEM = Actor.system("mail send")
_ENHANCED = re.compile(rb"\b[245]\.\d{1,3}\.\d{1,3}\b")


class RelayRefused(ValidationError):
    """The relay refused the message for good (5xx): another attempt would be refused
    the same way."""

    code = "relay_refused"
    message = "The mail relay refused the message."


class RelayDeferred(Exception):
    """The relay deferred the message (4xx) or could not be reached: try again later."""


class RawMessage(django_mail.EmailMessage):
    """An EmailMessage that sends bytes made elsewhere, unchanged."""

    def __init__(self, raw: bytes, *, envelope_from: str, to: list[str], connection=None):
        super().__init__(from_email=envelope_from, to=to, connection=connection)
        self.raw = raw

    def message(self, *, policy=None):
        return _Raw(self.raw)


class _Raw:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.raw

    def as_string(self, *args, **kwargs) -> str:
        return self.raw.decode("ascii", "replace")


def _reply_code(exc: BaseException) -> tuple[int | None, bytes]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (None, b""))
        return code, text if isinstance(text, bytes) else str(text).encode()
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        return exc.smtp_code, text if isinstance(text, bytes) else str(text).encode()
    return None, b""


def _summary(code: int | None, text: bytes) -> str:
    # Only the codes: a relay's text often quotes the recipient's address.
    enhanced = _ENHANCED.search(text or b"")
    return " ".join(filter(None, (str(code) if code else "", enhanced and
                                  enhanced.group().decode())))


def _settle(mail: OutboundMail, **changes) -> None:
    with transaction.atomic():
        locked = OutboundMail.objects.select_for_update().get(pk=mail.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(changes))
        if "state" in changes:
            record(actor=SYSTEM, action=f"mail.outbound.{changes['state']}",
                   object_type="mail_outbound", object_id=mail.pk,
                   context={"ticket": mail.ticket_id, "route": mail.route_id,
                            "attempts": locked.attempts, "error": locked.last_error,
                            "dkim": mail.dkim_selector or "unsigned"})


def _deliver(mail: OutboundMail) -> None:
    customer_id = Ticket.objects.filter(pk=mail.ticket_id).values_list(
        "customer_id", flat=True).first()
    raw = vault.open(subject_for(customer_id), mime_purpose(mail.uid), bytes(mail.mime_sealed))
    headers = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n",
                                 policy=email_policy.SMTP)
    # The envelope recipient is the To the reply was built for (the customer's address,
    # checked then), never anything else.
    recipients = [addr for _, addr in getaddresses(headers.get_all("To", []))]
    if len(recipients) != 1 or "@" not in recipients[0]:
        raise RelayRefused("The reply has no single recipient.")
    # And the ticket's copies, as the reply was built with them (``tickets.cc``).
    copies = [addr for _, addr in getaddresses(headers.get_all("Cc", [])) if "@" in addr]
    recipients += copies[:10]
    connection = django_mail.get_connection(fail_silently=False)
    envelope_from = addresses.bounce_address(mail.route.address, mail.uid)
    try:
        connection.send_messages([RawMessage(raw, envelope_from=envelope_from,
                                             to=recipients, connection=connection)])
    except (smtplib.SMTPException, OSError) as exc:
        code, text = _reply_code(exc)
        summary = _summary(code, text) or type(exc).__name__
        if code is not None and 500 <= code < 600:
            raise RelayRefused(detail=summary) from exc
        raise RelayDeferred(summary) from exc


@job(attempts=10, backoff=60, cap=3600, takes_context=True)
def send_outbound(context, outbound_id: int) -> str:
    """Send one queued reply (idempotent: a mail sent, failed or bounced is left
    alone). Ten attempts, waits from a minute doubling to an hour: some two to four
    hours (with jitter) of a relay being down, then the mail fails."""
    mail = OutboundMail.objects.select_related("route").filter(pk=outbound_id).first()
    if mail is None or mail.state != OutboundMail.State.QUEUED:
        return mail.state if mail is not None else "gone"
    attempts = mail.attempts + 1
    try:
        _deliver(mail)
    except RelayRefused as exc:
        _settle(mail, state=OutboundMail.State.FAILED, attempts=attempts,
                last_error=f"refused: {exc.detail or exc.message}"[:300])
        raise
    except RelayDeferred as exc:
        last = context.attempt >= retry_for(send_outbound.module_path).attempts
        if last:
            _settle(mail, state=OutboundMail.State.FAILED, attempts=attempts,
                    last_error=f"retries ran out: {exc}"[:300])
        else:
            _settle(mail, attempts=attempts, last_error=f"deferred: {exc}"[:300])
        raise
    except Exception as exc:
        # Keys that did not answer, a database error: retried by the job's policy, the
        # mail still queued; it fails with the job's last attempt, or at once when no
        # attempt can mend it (the customer was erased: the message is shredded).
        if (failures.permanent(exc)
                or context.attempt >= retry_for(send_outbound.module_path).attempts):
            _settle(mail, state=OutboundMail.State.FAILED, attempts=attempts,
                    last_error=f"could not send: {type(exc).__name__}"[:300])
        raise
    _settle(mail, state=OutboundMail.State.SENT, attempts=attempts, last_error="",
            sent_at=clock.now())
    return "sent"


# Intake's job lives with intake; importing it here registers it in every worker.
from trustdesk.mailgateway import greylist, intake  # noqa: E402, F401


@job(attempts=3, backoff=300)
def greylist_prune() -> int:
    """Forget greylisting triplets not seen for 36 days (``greylist.KEEP``)."""
    return greylist.prune()


schedule("mail.greylist.prune", greylist_prune, every=dt.timedelta(days=1),
         offset=dt.timedelta(hours=3, minutes=41))
