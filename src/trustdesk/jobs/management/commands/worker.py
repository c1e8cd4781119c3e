"""``trustdesk worker``: run background jobs (as many processes, on as many machines, as
wanted: they share the work through the database)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background jobs and the periodic schedules until stopped (SIGTERM: finish "
    "the current job, then stop)."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="*",
                            help="comma-separated queues to take jobs from (default: all)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue (default 1)")
        parser.add_argument("--batch", action="store_true",
                            help="run what is ready now, then exit")
        parser.add_argument("--no-schedules", action="store_true",
                            help="do not enqueue the periodic schedules from this worker")
        parser.add_argument("--worker-id", default=None,
                            help="a unique name for this worker (default: random)")

    def handle(self, *args, queues, interval, batch, no_schedules, worker_id, **options):
        from trustdesk.jobs.worker import Worker

        logging.getLogger("trustdesk.jobs").setLevel(logging.INFO)
        worker = Worker(queue_names=[q for q in queues.split(",") if q] or ["*"],
                        interval=interval, batch=batch, schedules=not no_schedules,
                        lease=settings.JOBS_LEASE_SECONDS, worker_id=worker_id)
        worker.configure_signals()
        self.stdout.write(f"TrustDesk worker {worker.worker_id} is running. "
                          "Press Ctrl+C to stop.")
        self.stdout.flush()
        worker.run()
