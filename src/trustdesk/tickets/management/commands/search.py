"""``trustdesk search reindex``: index what was stored before the search index existed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.actor import Actor
from trustdesk.tickets import reindex
from trustdesk.vault.errors import VaultError


class Command(BaseCommand):
    help = "Maintenance of the search index (docs/search.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("reindex", help="index names, companies, subjects and messages "
                             "that have no terms yet (resumable; safe while serving)")
        run.add_argument("--batch", type=int, default=500)

    def handle(self, *args, action, batch, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            counts = reindex.reindex(actor=Actor.system("search reindex"), batch=batch)
        except VaultError as exc:
            raise CommandError(f"The vault cannot open what is to be indexed: {exc}") from exc
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()) + "\n")
