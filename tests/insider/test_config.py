"""The detectors' YAML settings: every mistake names its file, line and key. Pure."""

from __future__ import annotations

import pytest

from trustdesk.insider.detect import KNOWN, ConfigError, load_settings
from trustdesk.insider.detect.config import load, load_geo
from trustdesk.insider.detect.registry import Registry


def _load(text: str):
    return load(text, where="insider.yaml", detectors=KNOWN)


def test_a_full_configuration_is_read(tmp_path):
    (tmp_path / "nets.csv").write_text("10.1.0.0/16,1.29,103.85,Singapore\n")
    path = tmp_path / "insider.yaml"
    path.write_text("""
min_score: 60
actor_kinds: [agent, token]
business_hours:
  start: "07:30"
  end: "19:00"
  days: [mon, tue, wed, thu, fri, sat]
  timezone: Asia/Singapore
  per_person: false
  holidays: [2026-12-25]
teams:
  apac: {timezone: Asia/Singapore}
people:
  ada@example.org: {role: senior_agent, team: apac, timezone: Asia/Tokyo}
geo: nets.csv
detectors:
  volume: {enabled: false}
  no_ticket: {min_customers: 8, peer_z: 3.5}
""")
    s = load_settings(path)
    assert s.min_score == 60 and s.human_kinds == {"agent", "token"}
    assert (s.business_hours.start, s.business_hours.end) == (450, 1140)
    assert s.business_hours.fixed_zone and 6 in s.business_hours.days
    assert s.people["ada@example.org"]["timezone"] == "Asia/Tokyo"
    assert s.geo[0][3] == "Singapore"
    names = [d.name for d in Registry.from_settings(s).detectors]
    assert "volume" not in names and len(names) == len(KNOWN) - 1
    no_ticket = next(d for d in Registry.from_settings(s).detectors if d.name == "no_ticket")
    assert no_ticket.p["min_customers"] == 8 and no_ticket.p["peer_z"] == 3.5


@pytest.mark.parametrize(("text", "message"), [
    ("min_score: 50\nthreshold: 3\n", "insider.yaml line 2: unknown key 'threshold'"),
    ("detectors:\n  volume:\n    min_days: 3\n    speed: 2\n",
     "insider.yaml line 4: unknown key 'speed' in detector 'volume'"),
    ("detectors:\n  telepathy: {}\n", "insider.yaml line 2: unknown detector 'telepathy'"),
    ("detectors:\n  volume: {min_days: many}\n",
     "insider.yaml line 2: volume.min_days: expected a number"),
    ("detectors:\n  volume: {min_days: -1}\n", "volume.min_days: must not be negative"),
    ("detectors:\n  volume: {enabled: maybe}\n", "volume.enabled must be true or false"),
    ("business_hours:\n  start: '9am'\n", "line 2: business_hours.start must be a time"),
    ("business_hours:\n  timezone: Mars/Olympus\n", "line 2: business_hours.timezone: "
                                                   "unknown time zone"),
    ("business_hours:\n  days: [mon, funday]\n", "line 2: business_hours.days: 'funday'"),
    ("people:\n  ada@example.org: {role: agent, shoe: 9}\n",
     "line 2: unknown key 'shoe' in person 'ada@example.org'"),
    ("min_score: 500\n", "line 1: min_score must be a whole number from 0 to 100"),
    ("detectors: [volume\n", "insider.yaml line 2: not valid YAML"),
    ("geo: missing.csv\n", "line 1: geo: cannot read"),
])
def test_mistakes_name_the_line_and_the_key(text, message):
    with pytest.raises(ConfigError) as err:
        _load(text)
    assert message in str(err.value)


def test_an_empty_file_means_the_defaults():
    assert _load("").min_score == 50


def test_geo_file_mistakes_name_their_line():
    with pytest.raises(ConfigError, match=r"nets\.csv line 2"):
        load_geo("10.0.0.0/8,1,2,Here\nnot-a-network,1,2,There\n", where="nets.csv")
    with pytest.raises(ConfigError, match="line 1: latitude or longitude out of range"):
        load_geo("10.0.0.0/8,91,2,Here\n")
    nets = load_geo("10.0.0.0/8,1,2,Wide\n10.1.0.0/16,3,4,Narrow\n")
    assert nets[0][3] == "Narrow"  # the most specific network wins
