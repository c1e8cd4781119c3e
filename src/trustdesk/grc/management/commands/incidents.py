"""``trustdesk incidents list|show ID --user EMAIL``: incidents on the command line
(docs/incidents.md). The command acts as the named member of staff — their role's
permissions, their name in the audit trail — like ``trustdesk privacy-requests``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trustdesk.accounts import selectors as accounts
from trustdesk.accounts.actors import actor_for_cli
from trustdesk.core.errors import TrustDeskError
from trustdesk.grc import selectors


def _clock(c) -> str:
    state = "sent" if c.sent else ("BREACHED " if c.breached else "") + c.left
    return f"{c.kind} due {c.due_at:%Y-%m-%d %H:%M} ({state})"


def _line(r) -> str:
    clocks = "; ".join(_clock(c) for c in r.clocks) or "no clock"
    return f"{r.id:>5}  {r.kind:<18} {r.severity:<8} {r.status:<9} {r.title[:40]:<40}  {clocks}"


def _clock_json(c) -> dict:
    return {"kind": c.kind, "due_at": c.due_at.isoformat(), "seconds_left": c.seconds_left,
            "breached": c.breached, "sent_at": c.sent_at and c.sent_at.isoformat(),
            "sent_by": c.sent_by, "recipient": c.recipient, "reference": c.reference}


class Command(BaseCommand):
    help = "List incidents or show one, as a named member of staff."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("list", "incidents, newest first, with their clocks"),
                           ("show", "one incident: clocks, steps and timeline")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--user", required=True, help="your email: you act as yourself")
            p.add_argument("--json", action="store_true", dest="as_json")
            if name == "list":
                p.add_argument("--status", default="", help="open, contained, resolved or "
                                                            "closed")
            else:
                p.add_argument("id", type=int)

    def handle(self, *args, action, user, **options):
        person = accounts.user_by_email(user)
        if person is None:
            raise CommandError(f"No account with email {user}.")
        actor = actor_for_cli(person, command=f"incidents {action}")
        try:
            getattr(self, f"_{action}")(actor, **options)
        except TrustDeskError as exc:
            raise CommandError(exc.message) from None

    def _list(self, actor, *, status, as_json, **_):
        rows = selectors.incident_list(actor=actor, status=status)
        for r in rows:
            self.stdout.write(json.dumps({
                "id": r.id, "kind": r.kind, "severity": r.severity, "status": r.status,
                "title": r.title, "aware_at": r.aware_at.isoformat(),
                "clocks": [_clock_json(c) for c in r.clocks]}) if as_json else _line(r))
        if not rows and not as_json:
            self.stdout.write("No incident.")

    def _show(self, actor, *, id, as_json, **_):
        d = selectors.incident_detail(actor=actor, incident_id=id)
        r = d.row
        if as_json:
            self.stdout.write(json.dumps({
                "id": r.id, "kind": r.kind, "severity": r.severity, "status": r.status,
                "title": r.title, "owner": r.owner, "aware_at": r.aware_at.isoformat(),
                "high_risk": r.high_risk, "categories": list(r.categories),
                "customers": d.customers, "alerts": list(d.alert_ids),
                "tickets": list(d.ticket_ids), "clocks": [_clock_json(c) for c in r.clocks],
                "steps": [{"position": s.position, "title": s.title, "action": s.action,
                           "done_at": s.done_at and s.done_at.isoformat(),
                           "done_by": s.done_by} for s in d.steps],
                "timeline": [{"at": t.at.isoformat(), "action": t.action, "by": t.by}
                             for t in d.timeline]}, indent=2))
            return
        self.stdout.write(_line(r))
        self.stdout.write(f"owner {r.owner}; aware {r.aware_at:%Y-%m-%d %H:%M} UTC; high risk "
                          f"{'yes' if r.high_risk else 'no'}; categories "
                          f"{', '.join(r.categories) or 'none'}; customers {d.customers}")
        self.stdout.write("clocks:")
        for c in r.clocks:
            self.stdout.write(f"  {_clock(c)}"
                              + (f" — sent by {c.sent_by} to {c.recipient} ({c.reference})"
                                 if c.sent else ""))
        self.stdout.write("steps:")
        for s in d.steps:
            done = f"done {s.done_at:%Y-%m-%d %H:%M} by {s.done_by}" if s.done_at else "to do"
            self.stdout.write(f"  {s.position}. {s.title} [{s.owner_role}] {done}")
        self.stdout.write("timeline:")
        for t in d.timeline:
            self.stdout.write(f"  {t.at:%Y-%m-%d %H:%M}  {t.words} · {t.by}")
