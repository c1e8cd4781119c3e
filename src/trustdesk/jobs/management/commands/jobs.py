"""``trustdesk jobs list|show|retry``: the jobs page on the command line."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError
from trustdesk.jobs import selectors, services


class Command(BaseCommand):
    help = "List background jobs, show one, or retry a failed one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="the newest jobs")
        ls.add_argument("--status", choices=[s.lower() for s in selectors.STATUSES])
        ls.add_argument("--limit", type=int, default=50)
        ls.add_argument("--json", action="store_true", dest="as_json")
        show = sub.add_parser("show", help="one job, with where it failed")
        show.add_argument("job_id")
        retry = sub.add_parser("retry", help="put a failed job back in the queue")
        retry.add_argument("job_id")

    def handle(self, *args, action, **options):
        actor = Actor.system(f"jobs {action}")
        try:
            getattr(self, f"_{action}")(actor, **options)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None

    def _list(self, actor, *, status, limit, as_json, **_):
        jobs = selectors.job_list(actor=actor, status=status.upper() if status else None,
                                  limit=limit)
        for job in jobs:
            if as_json:
                self.stdout.write(json.dumps({
                    "id": job.id, "task": job.task, "status": job.label,
                    "attempts": job.attempts, "enqueued_at": job.enqueued_at.isoformat(),
                    "error": job.error, "done": job.done, "total": job.total}))
            else:
                progress = f" {job.percent}%" if job.percent is not None else ""
                self.stdout.write(f"{job.id}  {job.label:<8} {job.attempts}x  "
                                  f"{job.task}{progress}  {job.error}")

    def _show(self, actor, *, job_id, **_):
        job = selectors.job_get(actor=actor, job_id=job_id)
        self.stdout.write(f"{job.id} {job.task} {job.label}, {job.attempts} attempt(s)")
        if job.traceback:
            self.stdout.write(job.traceback)

    def _retry(self, actor, *, job_id, **_):
        services.job_retry(actor=actor, job_id=job_id)
        self.stdout.write(f"Job {job_id} is queued again.")
