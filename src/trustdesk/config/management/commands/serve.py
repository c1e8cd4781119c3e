"""``trustdesk serve``: migrate, collect static files and serve console and API."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve TrustDesk (console at /, API at /api/v1/)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true",
                            help="skip migrations (when another replica applies them)")

    def handle(self, *args, host, port, threads, no_migrate, **options):
        from trustdesk.config import server
        from trustdesk.config.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        from trustdesk.audit import chain

        # Link audit events into the hash chain as they are committed.
        chain.start_background()
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"TrustDesk is serving on http://{shown}:{port}/ "
                          f"(data in {settings.DATA_DIR}). Press Ctrl+C to stop.")
        # Waitress refuses a body over its limit before reading it; ours (the API's
        # boundary, a little lower) answers first for sizes between the two. Either way
        # an API client gets the JSON error body (config/server.py).
        from trustdesk.jobs import embedded

        # The embedded default runs its background jobs here too (docs/jobs.md).
        worker = embedded.start()
        try:
            server.create(application, host=host, port=port, threads=threads,
                          ident="TrustDesk", clear_untrusted_proxy_headers=True,
                          max_request_body_size=settings.API_MAX_BODY_BYTES + 1024 * 1024
                          ).run()
        finally:
            if worker:
                worker.stop()
