"""``trustdesk customers reindex-names``: the name-claim hash for names stored before it
existed (the mail gateway recognises a customer's name on a new address through it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trustdesk.core.actor import Actor
from trustdesk.customers import names
from trustdesk.vault.errors import VaultError


class Command(BaseCommand):
    help = "Maintenance of the customers' blind indexes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        names_cmd = sub.add_parser("reindex-names", help="hash the full names that have no "
                                   "name-claim hash yet (resumable; safe while serving)")
        names_cmd.add_argument("--all", action="store_true", dest="every",
                               help="hash every name again (after an upgrade changed how "
                                    "names are normalised)")

    def handle(self, *args, action, **options):
        actor = Actor.system("customers reindex-names")
        try:
            count = names.reindex(actor=actor, every=options.get("every", False))
        except VaultError as exc:
            raise CommandError(f"The vault cannot open the names: {exc}") from exc
        self.stdout.write(f"{count} name{'s' if count != 1 else ''} indexed.\n")
