"""The insider benchmark's generated month: the same seed gives the same trail, every
line reads as an audit export, each planted person is really there doing what their
scenario says, and the bench's scoring counts hits and false alerts as documented."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from trustdesk.insider.detect.events import read_events

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import _insider_world as world  # noqa: E402


@pytest.fixture(scope="module")
def month():
    return world.month(11)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_insider", BENCH / "insider.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_trail(month):
    lines, planted, _ = month
    again, planted_again, _ = world.month(11)
    assert lines == again and planted == planted_again


def test_the_month_reads_as_an_export_with_fifty_people_and_six_scenarios(month):
    lines, planted, staff = month
    events = read_events(lines)
    assert len(events) == len(lines) > 50_000
    people = {e.actor for e in events if e.actor != world.ADMIN["label"]}
    assert len(people) == len(staff) == 50
    assert set(planted) == set(world.SCENARIOS)
    assert len({p[0] for p in planted.values()}) == len(planted)  # six different people
    assert len({p.tz for p in staff}) >= 4 and len({p.role for p in staff}) >= 4
    yaml = world.config(staff)
    assert "people:" in yaml and staff[0].label in yaml


def test_planted_people_do_what_their_scenario_says(month):
    lines, planted, _ = month
    events = read_events(lines)
    label, first, last = planted["leaver"]
    disabled = [e for e in events if e.action == "agent.update" and e.context.get(
        "is_active") is False and e.object_id == str(next(
            x.user_id for x in events if x.actor == label))]
    assert disabled and first <= disabled[-1].at + dt.timedelta(days=1)
    label, first, last = planted["dormant"]
    mine = sorted(e.at for e in events if e.actor == label)
    gaps = [b - a for a, b in itertools.pairwise(mine)]
    assert max(gaps) >= dt.timedelta(days=21)
    label, first, last = planted["bulk_exporter"]
    day = Counter(e.action for e in events if e.actor == label and first <= e.at <= last)
    assert day["report.export"] + day["processing_record.export"] >= 6 or \
        day["attachment.download"] >= 40 or day["customer.list"] >= 6


def test_scoring_counts_hits_and_false_alerts():
    bench = _bench()
    t0 = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    planted = {"snooper": ("a@x", t0, t0 + dt.timedelta(days=3))}
    hit = {"detector": "no_ticket", "actor": "a@x", "first_at": (t0 + dt.timedelta(days=1))
           .isoformat(), "last_at": (t0 + dt.timedelta(days=2)).isoformat()}
    other = {**hit, "actor": "b@x"}
    late = {**hit, "first_at": (t0 + dt.timedelta(days=9)).isoformat(),
            "last_at": (t0 + dt.timedelta(days=9)).isoformat()}
    found, by, false = bench.score([hit, other, late], planted, people=2, days=30)
    assert found == {"snooper": True} and by == {"snooper": {"no_ticket"}}
    assert false == 1.0  # two false alerts, two people, one month
    assert json.dumps(bench.TARGETS)
