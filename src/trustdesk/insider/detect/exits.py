"""Taking data out, and accounts at the edges of their life: bulk exports and downloads,
a dormant account waking, work around a disable or a role reduction."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

from trustdesk.insider.detect.base import Alert, Detector, Param, alert, median, merge, robust_z
from trustdesk.insider.detect.common import DAY, HOUR, _days, _what
from trustdesk.insider.detect.events import DOWNLOAD, Event
from trustdesk.insider.detect.world import ROLE_RANK, World


class BulkExport(Detector):
    name = "bulk_export"
    explanation = ("Exports, downloads attachments or pages through customer lists in a day "
                   "far beyond this person's own habit and their role's.")
    params = {
        "min_exports": Param(4, "exports in a day below which nothing is judged"),
        "min_downloads": Param(25, "attachment downloads in a day below which nothing is "
                                   "judged"),
        "min_rows": Param(300, "customers listed in a day below which nothing is judged"),
        "min_days": Param(7, "active days of history needed to judge by their own past"),
        "z": Param(5.0, "how many robust deviations above their own and their role's day"),
        "merge_hours": Param(48, "alerts closer than this become one"),
    }

    MEASURES = ("exports", "downloads", "rows")

    def run(self, world: World) -> list[Alert]:
        p = self.p
        per: dict[str, dict[dt.date, dict[str, int]]] = {}
        evidence: dict[tuple, list[Event]] = defaultdict(list)
        for label in world.by_actor:
            days = {}
            for day, evs in _days(world, label).items():
                m = {"exports": 0, "downloads": 0, "rows": 0}
                for e in evs:
                    if e.is_export:
                        m["exports"] += 1
                    elif e.action == DOWNLOAD and e.allowed:
                        m["downloads"] += 1
                    elif e.action == "customer.list" and e.allowed and not e.is_search:
                        m["rows"] += len(e.context.get("ids") or [])
                    else:
                        continue
                    evidence[(label, day)].append(e)
                days[day] = m
            per[label] = days
        out = []
        minimum = {"exports": p["min_exports"], "downloads": p["min_downloads"],
                   "rows": p["min_rows"]}
        for label, days in per.items():
            peers = world.peers(label)
            for day, m in days.items():
                reasons = []
                for k in self.MEASURES:
                    if m[k] < minimum[k]:
                        continue
                    own = [v[k] for d, v in days.items() if d != day]
                    peer = [v[k] for q in peers for v in per[q].values()]
                    z_peer = robust_z(m[k], peer, floor=1.0)
                    z_own = robust_z(m[k], own, floor=1.0) if len(own) >= p["min_days"] else z_peer
                    z = min(z_own, z_peer)
                    if z >= p["z"]:
                        reasons.append((z, f"{m[k]} {k} on {day}; usually {median(own):g} "
                                           f"for them, {median(peer):g} in their role"))
                if reasons:
                    z = max(r[0] for r in reasons)
                    out.append(alert(self.name, label, 50 + 3 * z, [
                        (e, _what(e)) for e in evidence[(label, day)]],
                        summary="; ".join(r[1] for r in reasons)))
        return merge(out, gap=p["merge_hours"] * HOUR)


class Dormant(Detector):
    name = "dormant"
    explanation = ("An account silent for weeks suddenly reads customer data — not its old "
                   "ticket work at its old pace from a known address, but reads without "
                   "tickets, more than its usual day, or from a new address.")
    params = {
        "dormant_days": Param(21, "silence this long makes an account dormant"),
        "return_days": Param(2, "the days after its return that are looked at"),
        "min_reads": Param(15, "customer reads in those days below which nothing is judged"),
        "merge_hours": Param(24 * 7, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        out = []
        for label, evs in world.by_actor.items():
            for prev, e in itertools.pairwise(evs):
                silence = e.at - prev.at
                if silence < p["dormant_days"] * DAY:
                    continue
                back = [x for x in evs if e.at <= x.at < e.at + p["return_days"] * DAY]
                reads = [x for x in back if x.is_read]
                if len(reads) < p["min_reads"]:
                    continue
                before = [x for x in evs if x.at <= prev.at]
                daily = Counter(x.local.date() for x in before if x.is_read)
                usual = median(list(daily.values())) if daily else 0
                known_ips = {x.ip for x in before if x.ip}
                new_ip = bool({x.ip for x in back if x.ip} - known_ips)
                per_day = len(reads) / p["return_days"]
                # Someone back from leave goes back to their tickets; an account woken by
                # somebody else is used to read. Ticket work, at no more than twice their
                # usual pace, from a known address, is a return.
                viewed = [x for x in reads if x.customer]
                worked = sum(world.has_ticket_context(label, x.customer, x.at, before=DAY,
                                                      after=4 * HOUR) for x in viewed)
                ticket_driven = viewed and worked * 2 >= len(viewed)
                if ticket_driven and not new_ip and per_day <= 2 * max(usual, 1):
                    continue
                score = 50 + min(25, silence.days - p["dormant_days"]) + 15 * new_ip + min(
                    10, per_day / max(usual, 1))
                out.append(alert(self.name, label, score, [(x, _what(x)) for x in reads],
                                 summary=f"silent for {silence.days} days (since "
                                         f"{prev.at:%Y-%m-%d}), then {len(reads)} reads in "
                                         f"{p['return_days']:g} days"
                                         + (" from a new address" if new_ip else "")))
        return merge(out, gap=p["merge_hours"] * HOUR)


class Departure(Detector):
    name = "departure"
    explanation = ("Reads or exports much more than usual in the days before the account is "
                   "disabled or its role reduced (someone leaving takes data with them), or "
                   "acts at all after it.")
    params = {
        "before_days": Param(14, "the days before the change that are looked at"),
        "baseline_days": Param(28, "the days before those that say what is usual"),
        "ratio": Param(2.0, "how many times their usual daily reads counts as a surge"),
        "min_reads": Param(30, "reads in the days before below which nothing is judged"),
        "merge_hours": Param(24 * 14, "alerts closer than this become one"),
    }

    WEIGHT = {"export": 20, "download": 2, "view": 1, "search": 1}

    def _weight(self, e: Event) -> float:
        if e.is_export:
            return self.WEIGHT["export"]
        if e.action == DOWNLOAD:
            return self.WEIGHT["download"]
        if e.action == "customer.list":
            return max(1, len(e.context.get("ids") or []) / 10)
        return self.WEIGHT["view"]

    def _changes(self, world: World):
        """(label, time, what) of each disable or role reduction of a person."""
        role: dict[str, str] = {}
        for e in world.changes:
            if e.object_type != "agent":
                continue
            uid = str(e.object_id)
            new_role = str(e.context.get("role") or "")
            label = world.label_of_user.get(uid)
            if e.action == "agent.update" and label:
                if e.context.get("is_active") is False:
                    yield label, e, "the account was disabled", True
                old = role.get(uid) or world.settings.people.get(label, {}).get("role")
                if (new_role and old and "role" in e.fields
                        and ROLE_RANK.get(new_role, 0) < ROLE_RANK.get(old, 0)):
                    yield label, e, f"the role went from {old} to {new_role}", False
            if new_role:
                role[uid] = new_role

    def run(self, world: World) -> list[Alert]:
        p = self.p
        out = []
        for label, change, what, disabled in self._changes(world):
            evs = world.by_actor.get(label, [])
            t = change.at
            window_start = t - p["before_days"] * DAY
            base_start = window_start - p["baseline_days"] * DAY
            recent = [e for e in evs if window_start <= e.at < t and e.is_read]
            # After a role reduction work goes on; after a disable nothing should.
            after = [e for e in evs if disabled and e.at > t and e.action != "auth.logout"
                     and (e.is_read or e.action.startswith(("ticket.", "customer.")))]
            lines = [(e, _what(e) + " after " + what) for e in after]
            score = 90 if after else 0
            recent_w = sum(self._weight(e) for e in recent)
            usual = self._usual(world, label, base_start, window_start, t)
            days_active = len({e.local.date() for e in recent}) or 1
            per_day = recent_w / days_active
            if usual and recent_w >= p["min_reads"] and per_day >= p["ratio"] * usual:
                score = max(score, min(95, 55 + 10 * per_day / max(usual, 1)))
                heavy = sorted(recent, key=lambda e: -self._weight(e))
                lines += [(e, _what(e) + f" before {what}") for e in heavy]
            if score >= world.settings.min_score and lines:
                out.append(alert(self.name, label, score, lines, summary=(
                    f"{what} on {t:%Y-%m-%d}; in the {p['before_days']:g} days before, "
                    f"{per_day:.0f} weighted reads a day against {usual:.0f} usually"
                    + (f"; {len(after)} actions after it" if after else ""))))
        return merge(out, gap=p["merge_hours"] * HOUR)

    def _usual(self, world: World, label: str, start, end, until) -> float:
        """Their usual weighted reads per active day before the window, or their
        role's when they have too little history."""
        def per_day(who, a, b):
            daily: Counter = Counter()
            for e in world.by_actor.get(who, ()):
                if a <= e.at < b and e.is_read:
                    daily[e.local.date()] += self._weight(e)
            return list(daily.values())
        own = per_day(label, start, end)
        if len(own) >= 5:
            return median(own)
        # Too little history of their own: their role's usual day, over the same days.
        return median([v for q in world.peers(label) for v in per_day(q, start, until)])
