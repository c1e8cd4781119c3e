"""A ticket's activity — status, priority, assignment, team, subject and tag changes,
holds and releases, declared contacts — read back from the audit trail, which already
records each with who did it. Nothing is stored twice, and the thread shows exactly what
the trail says.

Only these actions and only these keys of their context are read: the trail's other
contents (reasons, addresses, the customer's id) never reach the page. A reader who may
see the ticket may see its activity; the selector is called by ``ticket_get`` after that
check, never on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trustdesk.accounts.models import Team, User
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.tickets.models import Priority, Status, Ticket

ACTIONS = ("ticket.update", "ticket.tag", "ticket.hold", "ticket.unhold",
           "contact.declare", "ticket.merge", "ticket.merged_into")
LIMIT = 200  # the newest; a ticket changed more often than that shows its last changes


@dataclass(frozen=True)
class Activity:
    at: dt.datetime
    who: str  # the person, or "TrustDesk" for a channel or a rule
    action: str
    changes: tuple[str, ...]  # plain words: "set the status to Solved"


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


def ticket_activity(ticket: Ticket) -> list[Activity]:
    events = list(AuditEvent.objects.filter(
        object_type="ticket", object_id=str(ticket.pk), action__in=ACTIONS,
        outcome=AuditEvent.Outcome.ALLOWED).order_by("-id")[:LIMIT])
    events.reverse()
    details = {e.pk: canonical.detail(bytes(e.body)) for e in events}
    user_ids, team_ids = set(), set()
    for e in events:
        user_ids.add(e.actor_user_id)
        context = details[e.pk].get("context") or {}
        user_ids.add(context.get("assignee_id"))
        team_ids.add(context.get("team_id"))
    users = dict(User.objects.filter(pk__in=user_ids - {None}).values_list("pk", "full_name"))
    teams = dict(Team.objects.filter(pk__in=team_ids - {None}).values_list("pk", "name"))
    out = []
    for e in events:
        detail = details[e.pk]
        words = _words(e.action, detail.get("context") or {}, detail.get("fields") or (),
                       users, teams)
        if words:
            who = users.get(e.actor_user_id, "a former colleague") \
                if e.actor_user_id is not None else "TrustDesk"
            out.append(Activity(e.at, who, e.action, tuple(words)))
    return out


def _words(action, context, fields, users, teams) -> list[str]:
    if action == "ticket.update":
        words = []
        if "status" in context:
            words.append(f"set the status to {_label(Status, context['status'])}")
        if "priority" in context:
            words.append(f"set the priority to {_label(Priority, context['priority'])}")
        if "assignee_id" in context:
            who = context["assignee_id"]
            words.append("unassigned it" if who is None else
                         f"assigned it to {users.get(who, 'a former colleague')}")
        if "team_id" in context:
            team = context["team_id"]
            words.append("took it out of its team" if team is None else
                         f"moved it to {teams.get(team, 'a removed team')}")
        if "subject" in fields:
            words.append("changed the subject")
        return words
    if action == "ticket.tag":
        return [*(f"tagged it {t}" for t in context.get("added", ())),
                *(f"removed the tag {t}" for t in context.get("removed", ()))]
    if action == "ticket.merge":
        return [f"merged #{n} into it" for n in context.get("merged", ())]
    if action == "ticket.merged_into":
        return [f"merged it into #{context.get('into')}"]
    return {"ticket.hold": ["reported it as phishing (held out of the queues)"],
            "ticket.unhold": ["released it from the suspended queue"],
            "contact.declare": ["took down a message on the customer's behalf"]}.get(
                action, [])
