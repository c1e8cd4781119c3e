"""``trustdesk mail <group> …``: the mail gateway's pages on the command line."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError

GROUPS = ("lists", "queue", "reports", "routes")  # modules of trustdesk.mailgateway.cli


class Command(BaseCommand):
    help = "The mail gateway: its lists, support addresses and suspended queue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="group", required=True)
        for name in GROUPS:
            module = importlib.import_module(f"trustdesk.mailgateway.cli.{name}")
            module.add_arguments(sub.add_parser(name, help=module.__doc__.splitlines()[0]))

    def handle(self, *args, group, **options):
        module = importlib.import_module(f"trustdesk.mailgateway.cli.{group}")
        try:
            module.run(Actor.system(f"mail {group}"), options, self.stdout)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None
