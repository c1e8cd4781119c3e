"""`trustdesk insider replay FILE.jsonl [--config YAML]`, end to end. No database: these
tests have no django_db marker, so any query would fail them, and the subprocess points
at a database that does not exist."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from insider_trail import YAML, Trail, day

TRUSTDESK = [sys.executable, "-m", "trustdesk.config.cli"]
SNOOP = "agent3@example.org"


@pytest.fixture
def export(tmp_path):
    t = Trail().normal()
    for k in range(60):
        t.add(day(15, 14) + dt.timedelta(seconds=15 * k), SNOOP, "customer.view", "customer",
              t.customer())
    path = tmp_path / "trail.jsonl"
    path.write_text("\n".join(t.lines()) + "\n", encoding="utf-8")
    config = tmp_path / "insider.yaml"
    config.write_text(YAML, encoding="utf-8")
    return path, config


def _replay(*args) -> list[dict]:
    out = io.StringIO()
    call_command("insider", "replay", *map(str, args), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_replay_prints_one_json_alert_a_line(export):
    path, config = export
    alerts = _replay(path, "--config", config)
    assert {a["detector"] for a in alerts} >= {"enumeration"}
    assert {a["actor"] for a in alerts} == {SNOOP}
    for a in alerts:
        assert list(a) == ["detector", "actor", "score", "first_at", "last_at", "evidence"]


def test_replay_without_a_configuration_uses_the_defaults(export):
    path, _ = export
    assert any(a["detector"] == "enumeration" for a in _replay(path))


def test_a_malformed_line_fails_the_replay_naming_it(export, tmp_path):
    path, _ = export
    lines = path.read_text().splitlines()
    lines.insert(41, '{"at": "2026-11-02T10:00:00Z", "actor": {"label": "x"}}')
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError, match="line 42: 'action' is missing; nothing was judged"):
        _replay(bad)


def test_a_configuration_mistake_fails_the_replay_naming_the_line(export, tmp_path):
    path, _ = export
    config = tmp_path / "wrong.yaml"
    config.write_text("detectors:\n  volume:\n    min_dayz: 3\n")
    with pytest.raises(CommandError, match=r"wrong.yaml line 3: unknown key 'min_dayz'"):
        _replay(path, "--config", config)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _replay(tmp_path / "nowhere.jsonl")


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TRUSTDESK_DATA_DIR"] = str(tmp_path / "data")
    # A database nobody can reach: the replay must not need one.
    env["TRUSTDESK_DATABASE_URL"] = "postgres://nobody:nothing@127.0.0.1:9/none"
    return env


def test_the_trustdesk_command_replays_without_a_database(export, tmp_path):
    path, config = export
    result = subprocess.run([*TRUSTDESK, "insider", "replay", str(path), "--config",
                             str(config)], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert alerts and all(a["actor"] == SNOOP for a in alerts)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(path.read_text() + "not json\n")
    result = subprocess.run([*TRUSTDESK, "insider", "replay", str(broken)],
                            env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    assert "line" in result.stderr and "not valid JSON" in result.stderr
