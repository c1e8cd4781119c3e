"""What happens to a message at the end of DATA, before the client hears the answer: it
is authenticated (SPF, DKIM, DMARC, ARC, DNS checks), judged by the gateway's policy, and
then refused with a clear SMTP code or stored, sealed, with its verdicts — queued for
intake, or suspended with a reason. Only after the store commits does the client hear
``250``: a crash before then loses nothing the client was told was accepted (it retries),
and a crash after it leaves the message in the queue, where the intake job finds it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk.audit.services import record
from trustdesk.core import metrics
from trustdesk.core.actor import Actor
from trustdesk.mailgateway import authentication, sealing
from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.models import InboundMail, Route

log = logging.getLogger("trustdesk.mailgateway")
SYSTEM = Actor.system("mail gateway")
ROUTES_TTL = 5.0
_routes: tuple[float, dict[str, Route]] = (0.0, {})


@dataclass(frozen=True)
class Envelope:
    peer_ip: str
    helo: str
    mail_from: str
    recipients: tuple[str, ...]
    tls: bool = False


def base_address(address: str) -> str | None:
    """``Support+t12.sig@Example.COM`` → ``support@example.com``; None if not an address."""
    local, sep, domain = (address or "").strip().strip("<>").rpartition("@")
    domain = domains.normalise(domain) if sep else None
    if not local or domain is None:
        return None
    return f"{local.split('+', 1)[0].lower()}@{domain}"


def forget_routes() -> None:
    global _routes
    _routes = (0.0, {})


def route_for(address: str) -> Route | None:
    """The active support address that ``address`` (with any ``+tag``) delivers to."""
    global _routes
    base = base_address(address)
    if base is None:
        return None
    loaded, table = _routes
    if time.monotonic() - loaded > ROUTES_TTL:
        table = {r.address: r for r in Route.objects.filter(active=True)}
        _routes = (time.monotonic(), table)
    return table.get(base)


def receive(envelope: Envelope, raw: bytes) -> str:
    """Judge and store one message; returns the SMTP reply."""
    if len(raw) > settings.SMTPD_MAX_BYTES:
        return "552 5.3.4 Message too big"
    routes = [r for r in (route_for(a) for a in envelope.recipients) if r is not None]
    if not routes:
        return "554 5.1.1 No valid recipients"
    judged = authentication.judge(envelope, raw, route=routes[0])
    decision = judged.decision
    metrics.count_mail(decision.action)
    if decision.action in ("reject", "tempfail"):
        log.info("mail gateway: %s from %s: %s", decision.action, envelope.peer_ip,
                 decision.reason)
        return f"{decision.smtp_code} {decision.smtp_text}"
    mail = store(envelope, judged.raw, route=routes[0], decision=decision)
    return f"250 2.0.0 Queued as {mail.uid}"


@transaction.atomic
def store(envelope: Envelope, raw: bytes, *, route: Route, decision) -> InboundMail:
    from trustdesk.jobs.registry import enqueue
    from trustdesk.mailgateway import intake

    suspended = decision.action == "suspend"
    mail = InboundMail(
        peer_ip=envelope.peer_ip, size=len(raw), route=route, checks=decision.checks,
        state=InboundMail.State.SUSPENDED if suspended else InboundMail.State.QUEUED,
        reason=decision.reason if suspended else "",
        reason_text=decision.text[:300] if suspended else "",
    )
    sealing.seal(mail, raw, {"helo": envelope.helo, "mail_from": envelope.mail_from,
                             "recipients": list(envelope.recipients), "tls": envelope.tls})
    mail.save()
    record(actor=SYSTEM, action="mail.suspend" if suspended else "mail.receive",
           object_type="mail", object_id=str(mail.uid),
           context={"route": route.address, "size": mail.size, "reason": mail.reason,
                    "peer": envelope.peer_ip})
    if not suspended:
        enqueue(intake.mail_intake, mail.pk)
    return mail
