"""Whom: customers read with no conversation to ground it, and many distinct customers,
sequential ids or guessed searches in a short time."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

from trustdesk.insider.detect.base import Alert, Detector, Param, alert, median, merge, robust_z
from trustdesk.insider.detect.common import DAY, HOUR, _what
from trustdesk.insider.detect.events import DOWNLOAD, Event
from trustdesk.insider.detect.world import World


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
