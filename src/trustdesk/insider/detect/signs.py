"""Signs around the work: sign-ins from a new device or an impossible place, and
repeated reply-guard blocks and verification overrides."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from trustdesk.insider.detect.base import Alert, Detector, Param, alert, median, merge
from trustdesk.insider.detect.common import DAY, HOUR, _what
from trustdesk.insider.detect.events import LOGIN, REPLY_BLOCKED, Event
from trustdesk.insider.detect.world import World, km_between


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
