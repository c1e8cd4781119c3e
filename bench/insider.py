"""Insider-threat benchmark: the detectors of ``trustdesk.insider.detect`` over generated
months of audit trail (``_insider_world``: 50 people in five teams and four time zones,
with six kinds of misbehaviour planted, each drawn afresh for every seed). Prints one
JSON line.

* ``recall``: per scenario, the share of seeds whose planted person got an alert (any
  detector) overlapping what they did, a day either side; ``detected_by``: which
  detectors fired on it.
* ``false_alerts_per_agent_month``: every other alert (on anybody else, or on the planted
  person outside their scenario), per person and per 30 days.
* ``seconds``: the slowest month, from the export's lines to the alerts (parsing
  included); ``events``: that month's size.
* ``baseline``: fixed rules of the kind a SIEM ships with — more than 150 customer reads
  in a day, more than 5 exports or 50 downloads in a day, any customer read between 22:00
  and 06:00 in the person's zone — on the same months.

These figures are an upper bound: the scenarios are our own. Targets: recall >= 0.9 per
scenario, <= 1 false alert per person per month, a month in <= 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _insider_world as world

from trustdesk.insider import detect
from trustdesk.insider.detect import config as detect_config
from trustdesk.insider.detect.events import read_events

SEEDS = (101, 202, 303, 404, 505, 606, 707, 808)
TARGETS = {"recall": 0.9, "false_alerts_per_agent_month": 1.0, "seconds": 10.0}
SLACK = dt.timedelta(days=1)


def _matches(alert: dict, planted: tuple) -> bool:
    label, first, last = planted
    a0 = dt.datetime.fromisoformat(alert["first_at"].replace("Z", "+00:00"))
    a1 = dt.datetime.fromisoformat(alert["last_at"].replace("Z", "+00:00"))
    return alert["actor"] == label and a0 <= last + SLACK and a1 >= first - SLACK


def baseline(lines: list[str], staff) -> list[dict]:
    """Fixed thresholds, no baselines: what the detectors are compared with."""
    zones = {p.label: ZoneInfo(p.tz) for p in staff}
    per: dict[tuple, Counter] = defaultdict(Counter)
    for e in read_events(lines):
        if not e.is_read:
            continue
        zone = zones.get(e.actor)
        local = e.at.astimezone(zone) if zone else e.at
        c = per[(e.actor, local.date())]
        c["reads"] += 1
        c["exports"] += e.is_export
        c["downloads"] += e.action == "attachment.download"
        c["night"] += e.is_view and (local.hour >= 22 or local.hour < 6)
    out = []
    for (actor, day), c in per.items():
        if c["reads"] > 150 or c["exports"] > 5 or c["downloads"] > 50 or c["night"]:
            noon = dt.datetime.combine(day, dt.time(12), dt.UTC)
            out.append({"actor": actor, "first_at": (noon - dt.timedelta(hours=14)).isoformat(),
                        "last_at": (noon + dt.timedelta(hours=14)).isoformat()})
    return out


def score(alerts: list[dict], planted: dict, people: int, days: int):
    hit = {name: False for name in planted}
    by = {name: set() for name in planted}
    false = 0
    for a in alerts:
        matched = [name for name, p in planted.items() if _matches(a, p)]
        for name in matched:
            hit[name] = True
            if "detector" in a:
                by[name].add(a["detector"])
        false += not matched
    return hit, by, false / people * 30 / days


def run(seeds) -> dict:
    found = defaultdict(list)
    detected_by = defaultdict(Counter)
    base_found = defaultdict(list)
    false_rates, base_false, seconds, events, by_detector = [], [], [], 0, Counter()
    cpu_seconds = []
    for seed in seeds:
        lines, planted, staff = world.month(seed)
        settings = detect_config.load(world.config(staff), where="bench",
                                      detectors=detect.KNOWN)
        start, cpu = time.perf_counter(), time.process_time()
        alerts = [a.as_json() for a in detect.replay(lines, settings)]
        took = time.perf_counter() - start
        cpu_seconds.append(time.process_time() - cpu)
        if took >= max(seconds, default=0):
            events = len(lines)
        seconds.append(took)
        people = len(staff)
        hit, by, false = score(alerts, planted, people, world.DAYS)
        for name in planted:
            found[name].append(hit[name])
            detected_by[name].update(by[name])
        false_rates.append(false)
        for a in alerts:
            if not any(_matches(a, p) for p in planted.values()):
                by_detector[a["detector"]] += 1
        bhit, _, bfalse = score(baseline(lines, staff), planted, people, world.DAYS)
        for name in planted:
            base_found[name].append(bhit[name])
        base_false.append(bfalse)
    recall = {k: round(sum(v) / len(v), 3) for k, v in found.items()}
    out = {
        "bench": "insider", "upper_bound": True, "seeds": len(seeds), "people": 51,
        "days": world.DAYS, "recall": recall,
        "false_alerts_per_agent_month": round(sum(false_rates) / len(false_rates), 3),
        "seconds": round(max(seconds), 2), "cpu_seconds": round(max(cpu_seconds), 2),
        "load_average": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
        "events": events,
        "detected_by": {k: dict(v) for k, v in detected_by.items()},
        "false_alerts_by_detector": dict(by_detector),
        "baseline": {"rules": "reads>150/day, exports>5/day, downloads>50/day, any night read",
                     "recall": {k: round(sum(v) / len(v), 3) for k, v in base_found.items()},
                     "false_alerts_per_agent_month": round(sum(base_false) / len(base_false), 3)},
        "targets": TARGETS,
    }
    out["target_met"] = (min(recall.values()) >= TARGETS["recall"]
                         and out["false_alerts_per_agent_month"]
                         <= TARGETS["false_alerts_per_agent_month"]
                         and out["seconds"] <= TARGETS["seconds"])
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS),
                        help="how many generated months (default: %(default)s)")
    args = parser.parse_args(argv)
    seeds = SEEDS[:args.seeds] if args.seeds <= len(SEEDS) else range(101, 101 + args.seeds)
    print(json.dumps(run(seeds)))


if __name__ == "__main__":
    main()
