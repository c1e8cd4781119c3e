"""``trustdesk access review``: the access review, as the console shows it."""

from __future__ import annotations

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from trustdesk.access.roles import ROLE_LABELS
from trustdesk.accounts import review, selectors
from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError


class Command(BaseCommand):
    help = "Review who holds which permissions against what the audit trail shows used."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rev = sub.add_parser("review", help="permissions held against used, per agent")
        rev.add_argument("--days", type=int, default=review.DEFAULT_DAYS,
                         help=f"the window of the trail to read (default {review.DEFAULT_DAYS})")
        rev.add_argument("--agent", metavar="EMAIL", help="one agent only")
        rev.add_argument("--json", action="store_true", dest="as_json",
                         help="one JSON object per agent")

    def handle(self, *args, action, days, agent, as_json, **options):
        user_id = None
        if agent:
            user = selectors.user_by_email(agent)
            if user is None:
                raise CommandError(f"No account with email {agent}.")
            user_id = user.pk
        try:
            reviews = review.access_review(actor=Actor.system("access review"), days=days,
                                           user_id=user_id)
        except TrustDeskError as exc:
            raise CommandError(f"{exc.message}") from None
        for item in reviews:
            self.stdout.write(_json(item) if as_json else _text(item, days))


def _json(item) -> str:
    return json.dumps(asdict(item), sort_keys=True)


def _text(item, days: int) -> str:
    used = ", ".join(f"{p} ×{n}" for p, n in item.used.items()) or "nothing"
    lines = [f"{item.full_name} <{item.email}> — {ROLE_LABELS.get(item.role, item.role)}",
             f"  used in the last {days} days: {used}",
             f"  held, not used: {', '.join(item.unused) or '—'}",
             f"  held, use not recorded: {', '.join(item.not_recorded) or '—'}"]
    if item.recommended_role:
        lines.append(f"  RECOMMENDED: move to {ROLE_LABELS[item.recommended_role]} "
                     f"(removes {', '.join(item.removals)})")
    elif item.note:
        lines.append(f"  no recommendation: {item.note}")
    return "\n".join(lines)
