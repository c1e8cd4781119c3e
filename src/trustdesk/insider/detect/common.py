"""What the detectors share: the words an event is shown in, a person's days."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from trustdesk.insider.detect.events import DOWNLOAD, LOGIN, REPLY_BLOCKED, Event
from trustdesk.insider.detect.world import World

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def _short(customer: str) -> str:
    return customer[:8]


def _what(e: Event) -> str:
    """An event in plain words, for evidence."""
    c = e.customer
    if e.action == "customer.reveal":
        field = e.fields[0] if e.fields else "a field"
        glass = " breaking the glass" if e.break_glass else ""
        return f"revealed {field} of customer {_short(c)}{glass}"
    if e.action == "customer.view":
        return f"opened customer {_short(c)}" + (" breaking the glass" if e.break_glass else "")
    if e.action == "customer.list":
        n = len(e.context.get("ids") or [])
        if e.context.get("rate_limited"):
            return "searched customers and was stopped by the search limit"
        kind = "searched customers" if e.is_search else "listed customers"
        return f"{kind} ({n} shown)"
    if e.action == DOWNLOAD:
        return f"downloaded attachment {e.object_id} of customer {_short(c)}"
    if e.is_export:
        return f"exported ({e.action})"
    if e.action == LOGIN:
        return f"signed in from {e.ip or 'an unknown address'}"
    if e.action == REPLY_BLOCKED:
        return f"a reply on ticket {e.object_id} was blocked by the reply guard"
    if e.overridden:
        return f"passed customer {_short(c)}'s verification on a stated reason ({e.action})"
    return f"{e.action} {e.object_type} {e.object_id}".strip()


def _days(world: World, label: str) -> dict[dt.date, list[Event]]:
    out: dict[dt.date, list[Event]] = defaultdict(list)
    for e in world.by_actor[label]:
        out[e.local.date()].append(e)
    return out


def _weekend(day: dt.date) -> bool:
    return day.isoweekday() >= 6


def _sessions(events: list[Event], gap: dt.timedelta) -> list[list[Event]]:
    out: list[list[Event]] = []
    for e in events:
        if out and e.at - out[-1][-1].at <= gap:
            out[-1].append(e)
        else:
            out.append([e])
    return out
