"""``trustdesk privacy-requests list|show|fulfil|refuse --user EMAIL``: the privacy
request queue on the command line (docs/dsr.md). The command acts as the named member of
staff — their role's permissions, their name in the audit trail — never as TrustDesk
itself: a request is answered by a person. Confirming a requester's identity is not
offered here; it needs the person who verified them."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trustdesk.accounts import selectors as accounts
from trustdesk.accounts.actors import actor_for_cli
from trustdesk.core.errors import TrustDeskError
from trustdesk.customers import requests
from trustdesk.dsr import selectors, services


def _line(r) -> str:
    state = r.outcome or r.status
    flags = [f for f, on in (("paused", r.paused), ("extended", r.extended),
                             ("breached", r.breached),
                             ("identity not confirmed", not r.identity_verified)) if on]
    due = f"due {r.due_at:%Y-%m-%d %H:%M}" if r.due_at else "no deadline"
    return (f"{r.id:>6}  {r.kind:<13} {state:<9} {r.jurisdiction or '—':<7} {due}"
            f"{' · ' + ', '.join(flags) if flags else ''}")


class Command(BaseCommand):
    help = "List, show, fulfil or refuse privacy requests, as a named privacy officer."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("list", "the queue, newest first"),
                           ("show", "one request with its timeline"),
                           ("fulfil", "carry a request out"),
                           ("refuse", "refuse a request under an exemption")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--user", required=True, help="your email: you act as yourself")
            if name == "list":
                p.add_argument("--open", action="store_true", help="open requests only")
            else:
                p.add_argument("id", type=int)
            if name in ("list", "show"):
                p.add_argument("--json", action="store_true", dest="as_json")
            if name == "fulfil":
                p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                               help="a correction (repeat; FIELD= removes the field)")
                p.add_argument("--purpose", default="", help="an objection's purpose")
            if name == "refuse":
                p.add_argument("--exemption", required=True,
                               choices=[v for v, _ in services.EXEMPTIONS])
                p.add_argument("--reason", required=True)

    def handle(self, *args, action, user, **options):
        person = accounts.user_by_email(user)
        if person is None:
            raise CommandError(f"No account with email {user}.")
        actor = actor_for_cli(person, command=f"privacy-requests {action}")
        try:
            getattr(self, f"_{action}")(actor, **options)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None

    def _list(self, actor, *, open, as_json, **_):
        rows = [r for r in requests.request_list(actor=actor)
                if not open or r.status == "open"]
        if as_json:
            for r in rows:
                self.stdout.write(json.dumps({
                    "id": r.id, "kind": r.kind, "status": r.status, "outcome": r.outcome,
                    "jurisdiction": r.jurisdiction, "due_at": r.due_at and r.due_at.isoformat(),
                    "days_left": r.days_left, "paused": r.paused, "breached": r.breached,
                    "identity_verified": r.identity_verified}))
            return
        for r in rows:
            self.stdout.write(_line(r))
        if not rows:
            self.stdout.write("No request.")

    def _show(self, actor, *, id, as_json, **_):
        d = selectors.request_detail(actor=actor, request_id=id)
        if as_json:
            self.stdout.write(json.dumps({
                "id": d.row.id, "kind": d.row.kind, "status": d.row.status,
                "outcome": d.row.outcome, "identity_method": d.identity_method,
                "timeline": [{"at": s.at.isoformat(), "action": s.action, "by": s.by,
                              **s.facts} for s in d.timeline]}, default=str))
            return
        self.stdout.write(_line(d.row))
        for s in d.timeline:
            self.stdout.write(f"  {s.at:%Y-%m-%d %H:%M}  {s.words} · {s.by}")

    def _fulfil(self, actor, *, id, set, purpose, **_):
        changes = {}
        for item in set:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise CommandError(f"--set takes FIELD=VALUE, not {item!r}.")
            changes[name.strip()] = value.strip() or None
        row = services.dsr_fulfil(actor=actor, request_id=id, changes=changes,
                                  purpose=purpose)
        self.stdout.write(f"Request {row.id} is fulfilled and closed.")

    def _refuse(self, actor, *, id, exemption, reason, **_):
        row = services.dsr_refuse(actor=actor, request_id=id, exemption=exemption,
                                  reason=reason)
        self.stdout.write(f"Request {row.id} is refused ({row.exemption}) and closed.")
