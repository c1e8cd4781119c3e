"""Helpers for the outbound mail tests: a real SMTP server on a local socket (aiosmtpd)
that keeps what it receives or answers with a chosen refusal, and an email ticket with
the Message-ID of the customer's message on file, as intake leaves one."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from trustdesk.core.actor import Actor
from trustdesk.mailgateway import references
from trustdesk.mailgateway.models import InboundMail
from trustdesk.tickets import services as tickets

PORTS = range(20700, 20800)
SYSTEM = Actor.system("tests")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20700-20799")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    rcpt_reply: str | None = None  # e.g. "550 5.1.1 user unknown"; None accepts

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
        return "250 OK: queued"


class SmtpSink:
    """``with SmtpSink() as sink:`` a relay on 127.0.0.1:``sink.port``."""

    def __init__(self, *, rcpt_reply: str | None = None, port: int | None = None):
        self.handler = SinkHandler(rcpt_reply=rcpt_reply)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def use_relay(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


def email_ticket(route, customer, *, subject="Where is my parcel?", team=None,
                 message_ids=("<first.123@mail.example.org>",)):
    """An email ticket of ``customer`` that came in to ``route``, with the Message-IDs of
    the customer's messages recorded as intake records them."""
    ticket = tickets.ticket_create(actor=SYSTEM, customer_id=customer.id, subject=subject,
                                   body="It has not arrived.", channel="email",
                                   team_id=team.pk if team else None)
    InboundMail.objects.create(peer_ip="192.0.2.1", size=100, route=route,
                               ticket_id=ticket.pk, state=InboundMail.State.DELIVERED)
    for value in message_ids:
        references.remember(ticket_id=ticket.pk, customer_id=customer.id, message_id=value,
                            outbound=False)
    return ticket
