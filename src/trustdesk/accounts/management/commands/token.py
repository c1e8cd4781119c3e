"""``trustdesk token create|list|revoke``: personal API tokens for scripts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trustdesk.accounts import selectors, services
from trustdesk.accounts.actors import actor_for_cli
from trustdesk.core.errors import TrustDeskError


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; it is printed once")
        create.add_argument("--user", required=True, help="the owner's email")
        create.add_argument("--name", default="cli")
        create.add_argument("--scopes", default="*",
                            help="comma-separated permissions or patterns, e.g. 'ticket.*'")
        create.add_argument("--expires", type=int, default=None, metavar="DAYS")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by id")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, user, **options):
        owner = selectors.user_by_email(user)
        if owner is None:
            raise CommandError(f"No account with email {user}.")
        actor = actor_for_cli(owner, command=f"token {action}")
        try:
            getattr(self, f"_{action}")(actor, owner, **options)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None

    def _create(self, actor, owner, *, name, scopes, expires, **_):
        issued = services.token_create(
            actor=actor, user=owner, name=name,
            scopes=[s.strip() for s in scopes.split(",") if s.strip()], expires_days=expires,
        )
        self.stderr.write(
            f"Token {issued.token.pk} for {owner.email}, scopes {','.join(issued.token.scopes)}, "
            f"expires {issued.token.expires_at:%Y-%m-%d}. It is shown only now:"
        )
        self.stdout.write(issued.secret)

    def _list(self, actor, owner, **_):
        for t in selectors.token_list(actor=actor):
            state = "revoked" if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
            self.stdout.write(f"{t.pk}\t{t.name}\t{','.join(t.scopes)}\t{state}")

    def _revoke(self, actor, owner, *, id, **_):
        services.token_revoke(actor=actor, token_id=id)
        self.stdout.write(f"Revoked token {id}.")
