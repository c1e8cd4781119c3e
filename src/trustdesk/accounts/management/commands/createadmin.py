"""``trustdesk createadmin --email E --password-stdin``: the first admin account."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from trustdesk.access.roles import ADMIN, ROLE_LABELS
from trustdesk.accounts import services
from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError


class Command(BaseCommand):
    help = "Create an admin (or another role) account; the password is read from stdin."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="full name (defaults to the email)")
        parser.add_argument("--role", default=ADMIN, choices=sorted(ROLE_LABELS))
        parser.add_argument("--password-stdin", action="store_true", required=True,
                            help="read the password from standard input (never from argv, "
                            "which other users can see)")

    def handle(self, *args, email, name, role, **options):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input.")
        try:
            user = services.user_create(
                actor=Actor.system("createadmin"), email=email, full_name=name or email,
                role=role, password=password,
            )
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created {ROLE_LABELS[user.role].lower()} {user.email}.")
