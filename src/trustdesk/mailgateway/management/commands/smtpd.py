"""``trustdesk smtpd``: the SMTP listener alone, behind the company's MX (docs/email.md).
``trustdesk serve`` starts it itself on the embedded default."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Accept mail for the support addresses over SMTP (STARTTLS, no AUTH)."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="address to bind (default: TRUSTDESK_SMTPD_LISTEN)")
        parser.add_argument("--port", type=int, help="port (default: TRUSTDESK_SMTPD_LISTEN)")

    def handle(self, *args, host, port, **options):
        from trustdesk.mailgateway.listener import Listener

        configured = settings.SMTPD_LISTEN or ("127.0.0.1", 2525)
        host, port = host or configured[0], port if port is not None else configured[1]
        try:
            listener = Listener(host, port)
        except (OSError, ValueError) as exc:  # a certificate that does not load
            raise CommandError(f"Cannot start the SMTP listener: {exc}") from None
        signal.signal(signal.SIGTERM, lambda *_: listener.loop.call_soon_threadsafe(
            listener.loop.stop))
        try:
            listener.bind()
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port}: {exc}") from None
        tls = "STARTTLS" if listener.config.tls else "no TLS certificate configured"
        self.stdout.write(f"TrustDesk SMTP listener on {host}:{listener.port} ({tls}).")
        self.stdout.flush()
        try:
            listener.loop.run_forever()
        except KeyboardInterrupt:
            pass
        finally:
            listener.close()
