"""The support address's *test* button: a message from the address to itself, signed
with its DKIM key as a reply would be, sent over SMTP to this installation's own listener,
so that it passes through everything a customer's mail does — limits, SPF, DKIM against
the published record, DMARC, the DNS checks, the lists, the policy — and the admin sees
each verdict. A missing DKIM record, an SPF record that leaves out the relay, a DMARC
policy that would reject the company's own replies: each shows here first.

The test message carries a header with a keyed tag; intake sets a message with a valid
tag aside (it never becomes a ticket). A sender who copies the header gains nothing: a
wrong tag is ignored, and the tag only ever keeps the message out of the queue.
"""

from __future__ import annotations

import hmac
import re
import smtplib
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

from django.conf import settings
from django.db import transaction

from trustdesk import vault
from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Unavailable
from trustdesk.mailgateway import authentication, gateway, outbound, routes
from trustdesk.mailgateway.models import InboundMail

HEADER = "X-TrustDesk-Test"
_QUEUED = re.compile(r"Queued as ([0-9a-f-]{36})")


@dataclass(frozen=True)
class TestResult:
    code: int
    text: str
    mail: InboundMail | None = None
    checks: dict = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.code == 250


def tag(uid: str) -> str:
    return vault.blind_index("mail.selftest", uid)[:32]


def is_test(value: str) -> bool:
    """Whether a ``X-TrustDesk-Test`` value is one this installation made."""
    uid, _, given = (value or "").strip().partition(".")
    return bool(uid and given) and hmac.compare_digest(tag(uid), given)


def _message(route, uid: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"TrustDesk gateway test <{route.address}>"
    msg["To"] = route.address
    msg["Subject"] = "TrustDesk gateway test"
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = f"<test-{uid}@{routes.split(route.address)[1]}>"
    msg[HEADER] = f"{uid}.{tag(uid)}"
    msg.set_content("A test of the mail gateway. It is set aside, not made a ticket.\n")
    raw = msg.as_bytes(policy=outbound.POLICY)
    if route.dkim_selector and route.dkim_key_sealed:
        raw = outbound.sign(route, raw)
    return raw


def route_test(*, actor: Actor, route_id) -> TestResult:
    """Send the test message and return the listener's answer and what each check
    found. Recorded (``mail.route.test``)."""
    policy.require(actor, "mail.configure")
    route = routes.route_get(actor=actor, route_id=route_id)
    if settings.SMTPD_LISTEN is None:
        raise Unavailable("The SMTP listener is off (TRUSTDESK_SMTPD_LISTEN).")
    host, port = settings.SMTPD_LISTEN
    # A listener bound to every interface is reached on the loopback.
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    uid = str(uuid.uuid4())
    raw = _message(route, uid)
    try:
        with smtplib.SMTP(host, port, local_hostname=settings.SMTPD_HOSTNAME, timeout=30) as smtp:
            smtp.ehlo()
            code, reply = smtp.mail(route.address)
            if code == 250:
                code, reply = smtp.rcpt(route.address)
            if code == 250:
                code, reply = smtp.data(raw)
    except (OSError, smtplib.SMTPException) as exc:
        raise Unavailable("The SMTP listener did not answer.",
                          detail=f"{host}:{port}: {exc}") from None
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    found = _QUEUED.search(text)
    mail = InboundMail.objects.filter(uid=found.group(1)).first() if found else None
    if mail is not None:
        checks = mail.checks
    else:
        # Refused: nothing was stored, so judge the same bytes here to show why.
        envelope = gateway.Envelope(peer_ip="127.0.0.1", helo=settings.SMTPD_HOSTNAME,
                                    mail_from=route.address, recipients=(route.address,))
        checks = authentication.judge(envelope, raw, route=route).decision.checks
    with transaction.atomic():
        record(actor=actor, action="mail.route.test", object_type="mail_route",
               object_id=route.pk, context={"code": code,
                                            "mail": str(mail.uid) if mail else ""})
    return TestResult(code=code, text=text, mail=mail, checks=checks)
