"""How much and when: reads far above one's own and one's peers' usual, and work at
hours one does not keep."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from trustdesk.insider.detect.base import Alert, Detector, Param, alert, median, merge, robust_z
from trustdesk.insider.detect.common import HOUR, _sessions, _weekend, _what
from trustdesk.insider.detect.events import Event
from trustdesk.insider.detect.world import World


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
