"""``trustdesk channels list|add|remove``: the official-channel registry on the command
line, as the system (the operator at the server)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trustdesk.channels import selectors, services
from trustdesk.channels.vocabulary import KINDS, NEVER_ASK
from trustdesk.core.actor import Actor
from trustdesk.core.errors import TrustDeskError


def _line(c) -> str:
    state = "published" if c.active else "hidden"
    label = f"  ({c.label})" if c.label else ""
    return f"{c.pk}  {c.kind}  {c.value}{label}  {state}  never: {', '.join(c.never_asks)}"


class Command(BaseCommand):
    help = "The official channels published on the trust page: list, add, remove."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every channel in the registry")
        add = sub.add_parser("add", help="add a channel")
        add.add_argument("kind", choices=list(KINDS))
        add.add_argument("value", help="address, number (+44 …), handle or https:// URL")
        add.add_argument("--label", default="")
        add.add_argument("--may-ask", default="", help="comma-separated: order number, name")
        add.add_argument("--never-ask", action="append", default=[], choices=list(NEVER_ASK),
                         help="beyond the defaults; repeat for several")
        add.add_argument("--hidden", action="store_true", help="do not publish it yet")
        remove = sub.add_parser("remove", help="remove a channel")
        remove.add_argument("channel_id", type=int)

    def handle(self, *args, action, **options):
        who = Actor.system("channels")
        try:
            if action == "list":
                for channel in selectors.channel_list(actor=who):
                    self.stdout.write(_line(channel))
            elif action == "add":
                channel = services.channel_create(
                    actor=who, kind=options["kind"], value=options["value"],
                    label=options["label"], may_ask=options["may_ask"],
                    never_asks=options["never_ask"], active=not options["hidden"])
                self.stdout.write(_line(channel))
            else:
                services.channel_delete(actor=who, channel_id=options["channel_id"])
                self.stdout.write(f"removed {options['channel_id']}")
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None
