"""``trustdesk pii scan|redact``: the PII detector on text from stdin (see
``trustdesk.pii.cli``; also runs without Django as ``python -m trustdesk.pii``)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.errors import TrustDeskError
from trustdesk.pii import cli


class Command(BaseCommand):
    help = ("Find PII in text on stdin: `scan` prints one JSON line per finding, "
            "`redact` prints the text with findings replaced.")

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            cli.run(options, stdin=sys.stdin, write=self.stdout.write)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None
