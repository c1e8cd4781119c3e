"""The built-in detectors. Each compares a person with their own past and with their
peers (same role), using robust statistics (median and MAD), and stays silent until it
has seen enough of someone to judge them. Scores run from 0 to 100."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict

from trustdesk.insider.detect.base import Alert, Detector, Param, alert, median, merge, robust_z
from trustdesk.insider.detect.events import DOWNLOAD, LOGIN, REPLY_BLOCKED, Event
from trustdesk.insider.detect.world import ROLE_RANK, World, km_between

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


class Volume(Detector):
    name = "volume"
    explanation = ("Reads far more customer data in an hour than this person usually does at "
                   "that hour, and far more than others in the same role — views, reveals, "
                   "searches, exports and downloads counted together.")
    params = {
        "min_days": Param(7, "active days of history needed before judging someone by "
                             "their own past"),
        "min_count": Param(40, "reads in the hour below which nothing is judged"),
        "own_z": Param(6.0, "how many robust deviations above their own usual count"),
        "peer_z": Param(6.0, "how many robust deviations above their role's usual count"),
        "merge_hours": Param(24, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        # counts[label][(date, hour)] and the days each person was active
        counts: dict[str, Counter] = {}
        active: dict[str, set[dt.date]] = {}
        reads: dict[str, dict] = {}
        for label, evs in world.by_actor.items():
            c, r = Counter(), defaultdict(list)
            for e in evs:
                if e.is_read:
                    key = (e.local.date(), e.local.hour)
                    c[key] += 1
                    r[key].append(e)
            counts[label], reads[label] = c, r
            active[label] = {e.local.date() for e in evs}
        samples = {label: self._samples(counts[label], active[label]) for label in counts}
        out = []
        for label, c in counts.items():
            peers = world.peers(label)
            for (day, hour), n in c.items():
                if n < p["min_count"]:
                    continue
                bucket = (hour, _weekend(day))
                own = [v for d, v in samples[label].get(bucket, ()) if d != day]
                peer = [v for q in peers for _, v in samples[q].get(bucket, ())]
                z_peer = robust_z(n, peer, floor=2.0) if peer else 0.0
                if len(own) >= p["min_days"]:
                    z_own = robust_z(n, own, floor=2.0)
                    if z_own < p["own_z"] or z_peer < p["peer_z"]:
                        continue
                    z = min(z_own, z_peer)
                else:
                    if z_peer < 2 * p["peer_z"]:
                        continue
                    z = z_peer / 2
                out.append(alert(self.name, label, 45 + 4 * z, [
                    (e, _what(e)) for e in reads[label][(day, hour)]],
                    summary=f"{n} reads between {hour:02d}:00 and {hour + 1:02d}:00 on {day}; "
                            f"usually {median(own) if own else 'unknown'} for them, "
                            f"{median(peer) if peer else 'unknown'} in their role"))
        return merge(out, gap=p["merge_hours"] * HOUR)

    @staticmethod
    def _samples(counts: Counter, days: set[dt.date]) -> dict:
        """(hour, weekend) -> [(date, reads that hour)] over every active day, zeros
        included: a day someone worked without reading at 3 pm says 3 pm is quiet."""
        out: dict[tuple, list] = defaultdict(list)
        for day in days:
            we = _weekend(day)
            for hour in range(24):
                out[(hour, we)].append((day, counts.get((day, hour), 0)))
        return out


def _pivot_hours(events: list[Event]) -> float:
    """The hour of the day this person is least active: their day starts there, so a
    night shift that crosses midnight is one working day, not two halves."""
    hist = Counter(e.local.hour for e in events)
    return min(range(24), key=lambda h: (sum(hist.get((h + k) % 24, 0) for k in range(3)), h))


def _shifted(e: Event, pivot: float) -> float:
    t = e.local.hour + e.local.minute / 60
    return (t - pivot) % 24


class OffHours(Detector):
    name = "off_hours"
    explanation = ("Reads customer data at a time this person does not usually work, when "
                   "their team is usually quiet and outside business hours. Sessions made "
                   "of ticket work (an on-call night) count for half.")
    params = {
        "min_days": Param(5, "working days of history needed to know someone's usual hours"),
        "slack_hours": Param(1.5, "how far outside their usual hours still counts as usual"),
        "min_reads": Param(5, "customer reads in a session below which it is not judged"),
        "session_gap_minutes": Param(45, "a pause this long ends a session"),
        "team_share": Param(0.02, "an hour holding less than this share of the team's "
                                  "activity is a quiet hour for the team"),
        "merge_hours": Param(72, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        gap = dt.timedelta(minutes=p["session_gap_minutes"])
        team_hist: dict[str, Counter] = {}
        out = []
        for label, evs in world.by_actor.items():
            pivot = _pivot_hours(evs)
            by_day: dict[int, list[float]] = defaultdict(list)
            for e in evs:
                # working day number: local date shifted by the pivot
                by_day[(e.local - dt.timedelta(hours=pivot)).toordinal()].append(
                    _shifted(e, pivot))
            team = world.teams.get(label, "")
            if team and team not in team_hist:
                hist = Counter(e.at.hour for q in world.by_actor if world.teams.get(q) == team
                               for e in world.by_actor[q])
                total = sum(hist.values()) or 1
                team_hist[team] = {h: hist.get(h, 0) / total for h in range(24)}
            for session in _sessions(evs, gap):
                reads = [e for e in session if e.is_read]
                if len(reads) < p["min_reads"]:
                    continue
                day = (session[0].local - dt.timedelta(hours=pivot)).toordinal()
                others = [v for d, v in by_day.items() if d != day]
                known = len(others) >= p["min_days"]
                if known:
                    lo = median([min(v) for v in others]) - p["slack_hours"]
                    hi = median([max(v) for v in others]) + p["slack_hours"]
                    outside = [e for e in reads if not lo <= _shifted(e, pivot) <= hi]
                    off_person = len(outside) * 2 >= len(reads)
                else:
                    outside = reads
                    off_person = None
                off_business = sum(not world.in_business_hours(e) for e in reads) * 2 >= len(reads)
                share = team_hist.get(team)
                if share:
                    off_team = median([share[e.at.hour] for e in reads]) < p["team_share"]
                else:
                    off_team = off_business
                if off_person is False:
                    continue
                if off_person is None and not (off_business and off_team):
                    continue
                customers = {c for e in reads for c in e.customers if e.action != "customer.list"}
                worked = {c for c in customers if world.has_ticket_context(
                    label, c, session[0].at, before=2 * HOUR,
                    after=session[-1].at - session[0].at + 2 * HOUR)}
                score = 35 + 20 * off_team + 15 * off_business + min(30, 3 * len(customers))
                ticket_driven = customers and len(worked) * 2 >= len(customers)
                if ticket_driven:
                    score *= 0.5
                if score < world.settings.min_score:
                    continue
                local = session[0].local
                out.append(alert(self.name, label, score, [(e, _what(e)) for e in outside],
                                 summary=f"{len(reads)} reads from {local:%H:%M} "
                                         f"{local:%a %Y-%m-%d} their time, outside their "
                                         "usual hours" + (", while their team is quiet"
                                                           if off_team else "")
                                         + (", outside business hours" if off_business else "")))
        return merge(out, gap=p["merge_hours"] * HOUR)


def _sessions(events: list[Event], gap: dt.timedelta) -> list[list[Event]]:
    out: list[list[Event]] = []
    for e in events:
        if out and e.at - out[-1][-1].at <= gap:
            out[-1].append(e)
        else:
            out.append([e])
    return out


class NoTicket(Detector):
    name = "no_ticket"
    explanation = ("Opens or reveals customers with whom this person has no ticket work — no "
                   "ticket viewed, answered or created for that customer shortly before or "
                   "after — much more often than others in the same role. Breaking the glass "
                   "counts more; searches that lead to no ticket count too.")
    params = {
        "before_days": Param(30, "ticket work this long before a read gives it a reason"),
        "after_hours": Param(4, "ticket work this long after a read gives it a reason "
                                "(a caller looked up, then a ticket opened)"),
        "team_handover": Param(True, "a customer someone in the same team did ticket work "
                                     "on has a reason too (a hand-over)"),
        "handover_days": Param(7, "how recent that colleague's ticket work must be"),
        "window_days": Param(7, "the window over which reads without a reason are counted"),
        "min_customers": Param(6, "reads without a reason in a window below which nothing "
                                  "is judged"),
        "peer_z": Param(4.0, "how many robust deviations above their role's usual count"),
        "own_z": Param(4.0, "how many robust deviations above their own other windows — "
                            "judged with at least half of ``peer_z`` above their role"),
        "break_glass_weight": Param(3.0, "what one read breaking the glass counts for"),
        "search_weight": Param(0.5, "what one search leading to no ticket counts for"),
        "merge_hours": Param(24 * 8, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        before, after = p["before_days"] * DAY, p["after_hours"] * HOUR
        handover = p["handover_days"] * DAY
        width = p["window_days"] * DAY
        start = world.start
        windows: dict[str, dict[int, list[tuple[Event, float, str]]]] = {}
        for label, evs in world.by_actor.items():
            seen: dict[int, dict[str, tuple[Event, float, str]]] = defaultdict(dict)
            for e in evs:
                w = int((e.at - start) / width)
                if e.is_view and e.customer:
                    if e.break_glass:
                        seen[w][e.customer] = (e, p["break_glass_weight"],
                                               _what(e) + " (no need to know)")
                    elif not world.has_ticket_context(label, e.customer, e.at,
                                                      before=before, after=after):
                        if p["team_handover"] and world.has_ticket_context(
                                label, e.customer, e.at, before=handover, after=after,
                                team=True):
                            continue  # a colleague's customer, taken over
                        seen[w].setdefault(e.customer, (e, 1.0, _what(e) + " with no ticket "
                                                        "of theirs"))
                elif e.is_search and e.allowed:
                    found = [c for c in e.context.get("ids") or [] if c]
                    if not any(world.has_ticket_context(label, str(c), e.at, before=before,
                                                        after=after) for c in found):
                        seen[w][f"search:{e.ref}"] = (e, p["search_weight"],
                                                      _what(e) + ", leading to no ticket")
            windows[label] = _sliding([x for v in seen.values() for x in v.values()],
                                      start, width)
        totals = {label: {w: sum(x[1] for x in v) for w, v in ws.items()}
                  for label, ws in windows.items()}
        active = _active_windows(world, width)
        out = []
        for label, ws in windows.items():
            # Only the windows each peer worked in: a week of holiday is no week of care.
            peer_values = [totals[q].get(w, 0.0) for q in world.peers(label)
                           for w in active[q]]
            for w, items in ws.items():
                value = totals[label][w]
                if value < p["min_customers"]:
                    continue
                z = robust_z(value, peer_values, floor=1.0)
                # Their own other weeks, where they worked: a habit that changed.
                own = [totals[label].get(x, 0.0) for x in active[label] if x != w]
                z_own = robust_z(value, own, floor=1.0) if len(own) >= 2 else 0.0
                if z < p["peer_z"] and not (z >= 0.6 * p["peer_z"] and z_own >= p["own_z"]):
                    continue
                out.append(alert(self.name, label, 45 + 3 * z + 2 * value,
                                 [(e, what) for e, _, what in items],
                                 summary=f"{value:g} reads of customers without a ticket of "
                                         f"theirs in {p['window_days']:g} days; usually "
                                         f"{median(peer_values):g} in their role"))
        return merge(out, gap=p["merge_hours"] * HOUR)


def _sliding(items: list[tuple[Event, float, str]], start: dt.datetime,
             width: dt.timedelta) -> dict[int, list[tuple[Event, float, str]]]:
    """For each window (numbered from ``start``), the heaviest run of ``items`` within
    ``width`` of each other that ends in it: a slow habit split by a window's edge is
    still counted whole."""
    items = sorted(items, key=lambda x: (x[0].at, x[0].line))
    best: dict[int, tuple[float, int, int]] = {}
    j, total = 0, 0.0
    for i, (e, weight, _) in enumerate(items):
        total += weight
        while items[j][0].at <= e.at - width:
            total -= items[j][1]
            j += 1
        w = int((e.at - start) / width)
        if total > best.get(w, (0.0,))[0]:
            best[w] = (total, j, i)
    return {w: items[j:i + 1] for w, (_, j, i) in best.items()}


def _active_windows(world: World, width: dt.timedelta) -> dict[str, set[int]]:
    """For each person, the windows (numbered from the trail's start) they worked in."""
    return {label: {int((e.at - world.start) / width) for e in evs}
            for label, evs in world.by_actor.items()}


_UUIDISH = re.compile(r"^\d+$")


class Enumeration(Detector):
    name = "enumeration"
    explanation = ("Walks through many different customers in a short time, opens records "
                   "by consecutive numbers, or guesses at customer searches (many different "
                   "searched values, mostly finding nothing, or stopped by the search limit).")
    params = {
        "window_minutes": Param(30, "the sliding window"),
        "min_customers": Param(30, "distinct customers opened in the window that are "
                                   "judged at all"),
        "peer_z": Param(6.0, "how many robust deviations above their role's busiest windows"),
        "sequential_run": Param(8, "records opened in consecutive numeric order that count "
                                   "as walking the numbers"),
        "min_guesses": Param(12, "distinct searched values in the window that are judged"),
        "empty_share": Param(0.6, "share of those searches finding nobody that makes it "
                                  "guessing"),
        "merge_hours": Param(24, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        width = dt.timedelta(minutes=p["window_minutes"])
        busiest: dict[str, dict[dt.date, int]] = {}
        spans: dict[str, list] = {}
        for label, evs in world.by_actor.items():
            opened = [e for e in evs if (e.is_view or e.action == DOWNLOAD) and e.customer]
            best: dict[dt.date, int] = {}
            found = []
            j = 0
            counts: Counter = Counter()
            for i, e in enumerate(opened):
                counts[e.customer] += 1
                while opened[j].at < e.at - width:
                    counts[opened[j].customer] -= 1
                    if not counts[opened[j].customer]:
                        del counts[opened[j].customer]
                    j += 1
                day = e.local.date()
                best[day] = max(best.get(day, 0), len(counts))
                if len(counts) >= p["min_customers"]:
                    found.append((len(counts), opened[j:i + 1]))
            busiest[label] = best
            spans[label] = found
        out = []
        for label, evs in world.by_actor.items():
            peer = [v for q in world.peers(label) for v in busiest[q].values()]
            for n, window in spans[label]:
                z = robust_z(n, peer, floor=2.0)
                if z >= p["peer_z"]:
                    out.append(alert(self.name, label, 50 + 3 * z, [
                        (e, _what(e)) for e in window],
                        summary=f"{n} different customers within {p['window_minutes']:g} "
                                f"minutes; their role's busiest half hour is usually "
                                f"{median(peer):g}"))
            out += self._sequential(label, evs, width)
            out += self._guessing(label, evs, width)
        return merge(out, gap=p["merge_hours"] * HOUR)

    def _sequential(self, label: str, evs: list[Event], width: dt.timedelta) -> list[Alert]:
        # Customers' and attachments' numbers only: working a queue opens tickets in the
        # order they arrived, which is consecutive numbers and no enumeration.
        numbered = [e for e in evs if e.allowed and e.object_type in ("customer", "attachment")
                    and _UUIDISH.match(e.object_id or "")]
        out, run = [], []
        for e in numbered:
            if run and (e.object_type != run[-1].object_type or e.at - run[-1].at > width
                        or not 1 <= abs(int(e.object_id) - int(run[-1].object_id)) <= 2):
                if len(run) >= self.p["sequential_run"]:
                    out.append(self._run_alert(label, run))
                run = []
            run.append(e)
        if len(run) >= self.p["sequential_run"]:
            out.append(self._run_alert(label, run))
        # One ticket's attachments are numbered in a row too: a walk spans customers.
        return [a for a, run in out if len({e.customer for e in run}) * 5 >= len(run) * 4]

    def _run_alert(self, label, run) -> tuple[Alert, list[Event]]:
        return alert(self.name, label, 60 + 2 * len(run), [(e, _what(e)) for e in run],
                     summary=f"opened {len(run)} {run[0].object_type} records by consecutive "
                             f"numbers ({run[0].object_id} to {run[-1].object_id})"), list(run)

    def _guessing(self, label: str, evs: list[Event], width: dt.timedelta) -> list[Alert]:
        searches = [e for e in evs if e.action == "customer.list" and e.context.get("searched")]
        episodes: list[list[Event]] = []
        j = 0
        for i, e in enumerate(searches):
            if episodes and e.at - episodes[-1][-1].at <= width and \
                    episodes[-1][-1] is searches[i - 1]:
                episodes[-1].append(e)  # the guessing goes on
                continue
            while searches[j].at < e.at - width:
                j += 1
            window = searches[j:i + 1]
            values = {str(h) for s in window for h in (s.context.get("searched") or {}).values()}
            empty = sum(1 for s in window if not s.context.get("ids"))
            limited = any(s.context.get("rate_limited") for s in window)
            if (len(values) >= self.p["min_guesses"]
                    and empty >= self.p["empty_share"] * len(window)) or (
                    limited and len(values) >= self.p["min_guesses"] / 2):
                episodes.append(list(window))
        out = []
        for window in episodes:
            values = {str(h) for s in window for h in (s.context.get("searched") or {}).values()}
            empty = sum(1 for s in window if not s.context.get("ids"))
            limited = any(s.context.get("rate_limited") for s in window)
            minutes = (window[-1].at - window[0].at).total_seconds() / 60
            out.append(alert(self.name, label, 60 + 2 * len(values) + 10 * limited, [
                (s, _what(s)) for s in window],
                summary=f"{len(values)} different values searched in {minutes:.0f} minutes, "
                        f"{empty} finding nobody"
                        + (", stopped by the search limit" if limited else "")))
        return out


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


def _ua_family(agent: str) -> str:
    """A user agent without its version numbers: a browser update is not a new device."""
    return re.sub(r"[\d._]+", "", agent).strip().lower()


def _network(ip: str) -> str:
    if ":" in ip:
        return ":".join(ip.split(":")[:3])
    return ".".join(ip.split(".")[:3])


class SignIn(Detector):
    name = "sign_in"
    explanation = ("Signs in from a browser and a network never seen for this person, or from "
                   "two places too far apart to travel between in the time (places come from "
                   "the configured network list only).")
    params = {
        "min_logins": Param(5, "sign-ins of history needed before a new device is judged"),
        "max_kmh": Param(1000.0, "the fastest believable travel"),
        "min_km": Param(500.0, "distances below this are never impossible travel"),
        "merge_hours": Param(24, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        out = []
        for label, evs in world.by_actor.items():
            logins = [e for e in evs if e.action == LOGIN and e.allowed]
            devices, networks = set(), set()
            for i, e in enumerate(logins):
                dev, net = _ua_family(e.user_agent), _network(e.ip)
                if (i >= p["min_logins"] and e.user_agent and e.ip and dev not in devices
                        and net not in networks):
                    out.append(alert(self.name, label, 55, [(e, _what(e) + " with a browser "
                                                             "never seen for them")],
                                     summary="new device and new network"))
                devices.add(dev)
                networks.add(net)
            if world.settings.geo:
                out += self._travel(world, label, [e for e in evs if e.ip])
        return merge(out, gap=p["merge_hours"] * HOUR)

    def _travel(self, world: World, label: str, evs: list[Event]) -> list[Alert]:
        out = []
        last = None
        for e in evs:
            here = world.locate(e.ip)
            if here is None:
                continue
            if last is not None and last[1][2] != here[2]:
                km = km_between(last[1], here)
                hours = max((e.at - last[0].at).total_seconds() / 3600, 1 / 60)
                if km >= self.p["min_km"] and km / hours > self.p["max_kmh"]:
                    out.append(alert(self.name, label, 85, [
                        (last[0], _what(last[0]) + f" ({last[1][2]})"),
                        (e, _what(e) + f" ({here[2]})")],
                        summary=f"{last[1][2]} to {here[2]}: {km:.0f} km in "
                                f"{hours * 60:.0f} minutes"))
            last = (e, here)
        return out


class GuardOverrides(Detector):
    name = "guard_overrides"
    explanation = ("Is stopped by the reply guard again and again, or passes customers' "
                   "identity verification on a stated reason instead of verifying them, more "
                   "than others in the same role.")
    params = {
        "window_days": Param(7, "the window counted"),
        "min_blocks": Param(5, "blocked replies in the window below which nothing is judged"),
        "min_overrides": Param(3, "verification overrides in the window below which nothing "
                                  "is judged"),
        "peer_z": Param(4.0, "how many chance deviations above the count their role's rate "
                             "gives for as much work"),
        "merge_hours": Param(24 * 7, "alerts closer than this become one"),
    }

    def run(self, world: World) -> list[Alert]:
        p = self.p
        width = p["window_days"] * DAY
        per: dict[str, dict[tuple[str, int], list[Event]]] = {}
        work: dict[str, Counter] = {}  # events per window: how much they did
        for label, evs in world.by_actor.items():
            d: dict[tuple[str, int], list[Event]] = defaultdict(list)
            n: Counter = Counter()
            for e in evs:
                w = int((e.at - world.start) / width)
                n[w] += 1
                if e.action == REPLY_BLOCKED:
                    d[("blocks", w)].append(e)
                elif e.overridden:
                    d[("overrides", w)].append(e)
            per[label], work[label] = d, n
        out = []
        for label, d in per.items():
            peers = world.peers(label)
            for (kind, w), evs in d.items():
                minimum = p["min_blocks"] if kind == "blocks" else p["min_overrides"]
                if len(evs) < minimum:
                    continue
                # Someone who works more meets the guard more: compare rates. The count
                # expected at their role's usual rate, and its chance spread (Poisson).
                rate = median([len(per[q].get((kind, x), ())) / n
                               for q in peers for x, n in work[q].items() if n])
                expected = rate * work[label][w]
                z = (len(evs) - expected) / math.sqrt(max(expected, 1.0))
                if z < p["peer_z"]:
                    continue
                words = "blocked replies" if kind == "blocks" else "verification overrides"
                out.append(alert(self.name, label, 50 + 3 * z + 2 * len(evs),
                                 [(e, _what(e)) for e in evs],
                                 summary=f"{len(evs)} {words} in {p['window_days']:g} days; "
                                         f"{expected:.1f} expected at their role's rate for "
                                         "as much work"))
        return merge(out, gap=p["merge_hours"] * HOUR)


BUILTIN: tuple[type[Detector], ...] = (Volume, OffHours, NoTicket, Enumeration, BulkExport,
                                       Dormant, Departure, SignIn, GuardOverrides)
