"""``trustdesk serve``: migrate, collect static files and serve console and API."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = ("Apply migrations and serve TrustDesk (console at /, API at /api/v1/). "
            "SIGHUP reloads the workers gracefully; SIGTERM stops after requests in flight.")

    def add_arguments(self, parser):
        from trustdesk.config.server import default_workers

        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None,
                            help=f"worker processes (default: one per CPU, here "
                                 f"{default_workers()}; TRUSTDESK_WORKERS)")
        parser.add_argument("--threads", type=int, default=None,
                            help="request threads per worker (default: 4; TRUSTDESK_THREADS)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="skip migrations (when another replica applies them)")

    def handle(self, *args, host, port, workers, threads, no_migrate, **options):
        from trustdesk.config import server

        workers = workers or settings.SERVER_WORKERS or server.default_workers()
        threads = threads or settings.SERVER_THREADS
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        # The workers open their own connections; none may be shared across a fork.
        connections.close_all()
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"TrustDesk is serving on http://{shown}:{port}/ with {workers} "
                          f"worker(s) (data in {settings.DATA_DIR}). Press Ctrl+C to stop.")
        self.stdout.flush()
        from trustdesk.jobs import embedded

        # The embedded default runs its background jobs (docs/jobs.md) and its SMTP
        # listener (docs/email.md) beside the server.
        worker = embedded.start()
        smtpd = embedded.start(("smtpd",))
        if smtpd is not None:
            h, p = settings.SMTPD_LISTEN
            self.stdout.write(f"Mail to the support addresses is accepted by SMTP on "
                              f"{h}:{p}.")
            self.stdout.flush()
        try:
            server.run(host=host, port=port, workers=workers, threads=threads)
        finally:
            for child in (smtpd, worker):
                if child:
                    child.stop()
