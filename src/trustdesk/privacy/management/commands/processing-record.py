"""``trustdesk processing-record --format json|html|pdf [-o FILE]``: the record of
processing activities (GDPR Art. 30), generated from the inventory and the settings this
process runs with; written to FILE or standard output, and audited."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError
from trustdesk.privacy.processing_render import FORMATS
from trustdesk.privacy.processing_selectors import processing_export


class Command(BaseCommand):
    help = "Write the record of processing activities (GDPR Art. 30) as JSON, HTML or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=tuple(FORMATS), default="json")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write to FILE (created 0600) instead of standard output")

    def handle(self, *args, format, output, **options):
        if format == "pdf" and not output and sys.stdout.isatty():
            raise CommandError("A PDF is not written to a terminal: give -o FILE.")
        try:
            export = processing_export(actor=Actor.system("processing-record"), fmt=format)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None
        if not output:
            sys.stdout.buffer.write(export.body)
            sys.stdout.flush()
            return
        path = Path(output)
        # The record names the installation's hosts and processors: not world-readable.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(export.body)
        self.stderr.write(f"Wrote the record of processing activities to {path} "
                          f"({len(export.body)} bytes, {format}).")
