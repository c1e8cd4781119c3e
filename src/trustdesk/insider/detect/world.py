"""Everything the detectors share about one replayed trail, computed once: each
person's events in their own time zone, their role and team (their peer groups), the
customers each person has ticket work with, and where an IP address is."""

from __future__ import annotations

import bisect
import datetime as dt
import ipaddress
import math
from collections import defaultdict
from functools import cache
from zoneinfo import ZoneInfo

from trustdesk.insider.detect.config import Settings
from trustdesk.insider.detect.events import TICKET_WORK, Event

# Role changes that reduce what a person may do (lower rank = fewer rights).
ROLE_RANK = {"auditor": 1, "agent": 2, "billing": 2, "senior_agent": 3, "supervisor": 4,
             "privacy_officer": 5, "security_officer": 5, "admin": 5}


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class World:
    def __init__(self, events: list[Event], settings: Settings) -> None:
        self.settings = settings
        self.events = events
        self.start = events[0].at if events else dt.datetime.now(dt.UTC)
        self.end = events[-1].at if events else self.start
        self.by_actor: dict[str, list[Event]] = defaultdict(list)
        self.label_of_user: dict[str, str] = {}
        learned_role: dict[str, str] = {}
        self.changes: list[Event] = []  # agent.create / agent.update / role.update
        for e in events:
            if e.action in ("agent.create", "agent.update", "role.update"):
                self.changes.append(e)
                if e.object_type == "agent" and e.context.get("role"):
                    learned_role.setdefault(str(e.object_id), str(e.context["role"]))
            if e.actor_kind not in settings.human_kinds:
                continue
            if e.user_id:
                self.label_of_user.setdefault(e.user_id, e.actor)
            self.by_actor[e.actor].append(e)
        self.roles: dict[str, str] = {}
        self.teams: dict[str, str] = {}
        for label, evs in self.by_actor.items():
            person = settings.people.get(label, {})
            uid = evs[0].user_id
            self.roles[label] = person.get("role") or learned_role.get(uid, "") or "unknown"
            self.teams[label] = person.get("team", "")
            zone = _zone(self.timezone(label))
            for e in evs:
                e.local = e.at.astimezone(zone)
        self._ticket: dict[str, dict[str, list[dt.datetime]]] = {}
        self._geo: dict[str, tuple[float, float, str] | None] = {}

    # -- who people are -------------------------------------------------------------
    def timezone(self, label: str) -> str:
        person = self.settings.people.get(label, {})
        team = self.settings.teams.get(person.get("team", ""), {})
        return (person.get("timezone") or team.get("timezone")
                or self.settings.business_hours.timezone)

    def peers(self, label: str) -> list[str]:
        """The people judged alongside ``label``: the same role, or everyone when the
        role has fewer than three others in the trail."""
        role = self.roles.get(label)
        same = [p for p in self.by_actor if p != label and self.roles.get(p) == role]
        return same if len(same) >= 3 else [p for p in self.by_actor if p != label]

    def team_members(self, label: str) -> list[str]:
        team = self.teams.get(label)
        if not team:
            return []
        return [p for p in self.by_actor if p != label and self.teams.get(p) == team]

    def in_business_hours(self, e: Event) -> bool:
        hours = self.settings.business_hours
        moment = (e.at.astimezone(_zone(hours.timezone)) if hours.fixed_zone or e.local is None
                  else e.local)
        if moment.date() in hours.holidays or moment.isoweekday() not in hours.days:
            return False
        minute = moment.hour * 60 + moment.minute
        return hours.start <= minute < hours.end

    # -- ticket work ----------------------------------------------------------------
    def ticket_times(self, label: str) -> dict[str, list[dt.datetime]]:
        """For each customer, when ``label`` did ticket work on them (sorted)."""
        if label not in self._ticket:
            out: dict[str, list[dt.datetime]] = defaultdict(list)
            for e in self.by_actor.get(label, ()):
                if e.action in TICKET_WORK or (e.action.startswith("ticket.")
                                               and e.outcome == "allowed"):
                    if e.customer:
                        out[e.customer].append(e.at)
                    else:
                        for c in e.customers:
                            out[c].append(e.at)
            self._ticket[label] = dict(out)
        return self._ticket[label]

    def team_ticket_times(self, label: str) -> dict[str, list[dt.datetime]]:
        """For each customer, when someone else in ``label``'s team did ticket work on
        them: a colleague's customer opened during a hand-over has a reason too."""
        team = self.teams.get(label)
        if not team:
            return {}
        key = f"team:{team}"
        if key not in self._ticket:
            out: dict[str, list[dt.datetime]] = defaultdict(list)
            for member in self.by_actor:
                if self.teams.get(member) == team:
                    for c, times in self.ticket_times(member).items():
                        out[c].extend(times)
            self._ticket[key] = {c: sorted(t) for c, t in out.items()}
        return self._ticket[key]

    def has_ticket_context(self, label: str, customer: str, at: dt.datetime, *,
                           before: dt.timedelta, after: dt.timedelta,
                           team: bool = False) -> bool:
        """Whether ``label`` (or, with ``team``, anyone in their team) did ticket work on
        ``customer`` from ``before`` before ``at`` to ``after`` after it."""
        times = (self.team_ticket_times(label) if team else self.ticket_times(label)
                 ).get(customer)
        if not times:
            return False
        i = bisect.bisect_left(times, at - before)
        return i < len(times) and times[i] <= at + after

    # -- where an address is ----------------------------------------------------------
    def locate(self, ip: str) -> tuple[float, float, str] | None:
        if ip not in self._geo:
            found = None
            try:
                address = ipaddress.ip_address(ip)
            except ValueError:
                address = None
            if address is not None:
                for network, lat, lon, place in self.settings.geo:
                    if address.version == network.version and address in network:
                        found = (lat, lon, place)
                        break
            self._geo[ip] = found
        return self._geo[ip]


def km_between(a: tuple[float, float, str], b: tuple[float, float, str]) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))
