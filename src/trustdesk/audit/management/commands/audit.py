"""``trustdesk audit verify|export|checkpoint|prune``."""

from __future__ import annotations

import datetime as dt
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trustdesk.audit import chain, export, retention, verify
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError


def _since(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not an ISO date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Verify, export, checkpoint or prune the audit trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ver = sub.add_parser("verify", help="check the whole trail; exit 1 on any finding")
        ver.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                         help="processes for a long trail (default: one per CPU)")
        exp = sub.add_parser("export", help="write events to stdout for a SIEM")
        exp.add_argument("--since", required=True, help="ISO date or time, e.g. 2026-01-01")
        exp.add_argument("--format", choices=export.FORMATS, default="jsonl")
        sub.add_parser("checkpoint", help="chain pending events and sign the head now")
        sub.add_parser("prune", help="delete events past the retention period")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"_{action}")(**options)
        except TrustDeskError as exc:
            raise CommandError(f"{exc.message} ({exc.detail or exc.code})") from None

    def _verify(self, *, workers, **_):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        result = verify.verify(workers=workers)
        with transaction.atomic():
            record(actor=Actor.system("audit verify"), action="audit.verify",
                   object_type="audit", outcome="allowed" if result.ok else "error",
                   context={"checked": result.checked, "first_bad": result.first_bad_seq})
        if result.ok:
            self.stdout.write(f"OK: {result.checked} events verified in {result.seconds}s "
                              f"(chain positions up to {result.last_seq}).")
            return
        where = f" at position {result.first_bad_seq}" if result.first_bad_seq else ""
        self.stderr.write(f"TAMPERING DETECTED{where}: {result.problem}")
        sys.exit(1)

    def _export(self, *, since, format, **_):
        moment = _since(since)
        # The export is itself audited, before anything leaves.
        with transaction.atomic():
            record(actor=Actor.system("audit export"), action="audit.export",
                   object_type="audit", context={"since": since, "format": format})
        for item in export.events_since(moment):
            self.stdout.write(export.render(item, format))

    def _checkpoint(self, **_):
        cp = chain.checkpoint_now()
        self.stdout.write(f"Signed checkpoint at position {cp.seq}." if cp
                          else "The trail is empty; nothing to sign.")

    def _prune(self, **_):
        self.stdout.write(f"Pruned {retention.prune()} events past the retention period.")
