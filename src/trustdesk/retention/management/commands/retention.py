"""``trustdesk retention preview|run|status``: retention enforcement on the command line
(docs/privacy.md). The command acts as ``system:retention``: whoever has a shell on the
server stands where a privacy officer approving in the console does."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.errors import TrustDeskError
from trustdesk.retention import selectors, services
from trustdesk.retention.runner import ACTOR


def _summary(counts: dict) -> str:
    fields = ", ".join(f"{name} {n}" for name, n in counts.get("fields", {}).items())
    return (f"fields: {fields or 'none'}; customers shredded: {counts.get('customers', 0)}; "
            f"tickets: {counts.get('tickets', 0)} ({counts.get('messages', 0)} messages)")


class Command(BaseCommand):
    help = "Preview what retention would delete, run an approved run, or show the runs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        preview = sub.add_parser("preview", help="count what a run as of now would delete")
        preview.add_argument("--json", action="store_true", dest="as_json")
        run = sub.add_parser("run", help="one batch of the approved run")
        run.add_argument("--approve", type=int, metavar="RUN_ID",
                         help="approve this preview first")
        run.add_argument("--limit", type=int, help="objects in this batch (default: "
                                                   "TRUSTDESK_RETENTION_BATCH)")
        run.add_argument("--all", action="store_true", help="batch after batch until done")
        status = sub.add_parser("status", help="the latest runs")
        status.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None

    def _preview(self, *, as_json, **_):
        run = services.preview(actor=ACTOR)
        if as_json:
            self.stdout.write(json.dumps({"run": run.pk, "as_of": run.as_of.isoformat(),
                                          **run.preview}))
            return
        self.stdout.write(f"Run {run.pk}, as of {run.as_of:%Y-%m-%d %H:%M} UTC: "
                          f"{_summary(run.preview)}")
        self.stdout.write(f"Approve it with: trustdesk retention run --approve {run.pk}")

    def _run(self, *, approve, limit, all, **_):
        if approve is not None:
            services.approve(actor=ACTOR, run_id=approve)
        while True:
            batch = services.run_next(actor=ACTOR, limit=limit)
            if batch.run_id is None:
                self.stdout.write("No approved run (preview, then approve one).")
                return
            self.stdout.write(f"Run {batch.run_id}: {batch.objects} deleted"
                              f"{', finished' if batch.finished else ', more to do'}")
            if batch.finished or not all:
                return

    def _status(self, *, as_json, **_):
        for run in selectors.run_list(actor=ACTOR):
            if as_json:
                self.stdout.write(json.dumps({
                    "run": run.pk, "status": run.status, "as_of": run.as_of.isoformat(),
                    "phase": run.phase, "preview": run.preview, "done": run.done}))
            else:
                self.stdout.write(f"{run.pk}  {run.status:<10} {run.as_of:%Y-%m-%d %H:%M}  "
                                  f"{run.phase:<9} done: {_summary(run.done)}")
