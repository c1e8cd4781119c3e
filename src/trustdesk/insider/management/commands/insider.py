"""``trustdesk insider replay FILE.jsonl [--config YAML]``: run the insider-threat
detectors over an audit export and print their alerts, one JSON object a line.

Needs no database: the file is the whole input. Fails closed — a line that cannot be
read, or a configuration mistake, stops the replay with status 1 and says where."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trustdesk.insider import detect
from trustdesk.insider.detect.events import iter_file


class Command(BaseCommand):
    help = "Replay an audit export through the insider-threat detectors."
    # The replay reads a file and nothing else: no system checks (some open the
    # database), no migration check.
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rep = sub.add_parser("replay", help="print the alerts of an exported trail as JSON lines")
        rep.add_argument("file", help="`trustdesk audit export --format jsonl` output, or - "
                                      "for standard input")
        rep.add_argument("--config", help="YAML settings (docs/insider.md)")
        sub.add_parser("detectors", help="list the detectors and their parameters")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _replay(self, *, file, config=None, **_):
        try:
            settings = detect.load_settings(config) if config else detect.Settings()
            if file == "-":
                import sys
                lines = (line.rstrip(b"\r\n") for line in sys.stdin.buffer)
            else:
                lines = iter_file(file)
            alerts = detect.replay(lines, settings)
        except OSError as exc:
            raise CommandError(f"{file}: cannot read ({exc.strerror})") from None
        except detect.MalformedEvent as exc:
            raise CommandError(f"{file}: {exc}; nothing was judged") from None
        except detect.InsiderError as exc:
            raise CommandError(str(exc)) from None
        for a in alerts:
            # ASCII only: a line separator in a label or a reason stays one line.
            self.stdout.write(json.dumps(a.as_json(), separators=(",", ":")))

    def _detectors(self, **_):
        for name, cls in detect.KNOWN.items():
            self.stdout.write(f"{name}: {cls.explanation}")
            for pname, param in cls.params.items():
                self.stdout.write(f"    {pname} = {param.default!r}  ({param.help})")
