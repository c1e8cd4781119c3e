"""Settings fail at startup, not at the first request: a bad value stops `trustdesk
check` and `trustdesk serve` with a message naming the variable, never a traceback. And
every variable the code reads is documented in README.md's configuration table."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import trustdesk

TRUSTDESK = [sys.executable, "-m", "trustdesk.config.cli"]
NUMERIC = ["TRUSTDESK_ATTACHMENT_MAX_BYTES", "TRUSTDESK_KEY_CACHE_SECONDS",
           "TRUSTDESK_KEK_CRYPTOPERIOD_DAYS", "TRUSTDESK_DATA_KEY_CRYPTOPERIOD_DAYS",
           "TRUSTDESK_AUDIT_RETENTION_DAYS", "TRUSTDESK_AUDIT_CHECKPOINT_EVERY",
           "TRUSTDESK_REVEAL_SECONDS", "TRUSTDESK_SEARCH_LIMIT",
           "TRUSTDESK_SEARCH_WINDOW_SECONDS", "TRUSTDESK_READY_AUDIT_LAG_SECONDS",
           "TRUSTDESK_PORTAL_WRITES_PER_HOUR", "TRUSTDESK_RETENTION_BATCH",
           "TRUSTDESK_PORTAL_LINK_MINUTES", "TRUSTDESK_PORTAL_LINKS_PER_IP",
           "TRUSTDESK_INCIDENT_SUBJECTS_HOURS", "TRUSTDESK_INCIDENT_PIPL_HOURS"]
POLICIES = {
    "not JSON": ("{agent: email}", "must be JSON"),
    "a list": ('["agent"]', "must be an object of roles"),
    "a role of strings": ('{"agent": "visible"}', "must be an object of roles"),
    "an unknown role": ('{"agnet": {"email": "visible"}}', "'agnet'"),
    "a bad decision": ('{"agent": {"email": "shown"}}', "'shown'"),
    "an unknown field": ('{"agent": {"emial": "hidden"}}', "'emial'"),
}


def _run(tmp_path, command: list[str], **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TRUSTDESK_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return subprocess.run([*TRUSTDESK, *command], env=env, capture_output=True, text=True,
                          timeout=120)


def _refused(result, variable: str, text: str = "") -> None:
    assert result.returncode != 0, result.stdout
    assert variable in result.stderr and text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("variable", NUMERIC)
def test_a_non_number_stops_check_naming_the_variable(tmp_path, variable):
    _refused(_run(tmp_path, ["check"], **{variable: "ten"}), variable, "'ten'")


@pytest.mark.parametrize("value", ['{"admin": {"attempts": "three"}}',
                                   '{"admin": {"attempts": null}}', '["admin"]'])
def test_a_bad_lockout_stops_check(tmp_path, value):
    _refused(_run(tmp_path, ["check"], TRUSTDESK_LOCKOUT=value), "TRUSTDESK_LOCKOUT")


@pytest.mark.parametrize(("variable", "value"), [
    ("TRUSTDESK_LOG_FORMAT", "xml"), ("TRUSTDESK_METRICS_ALLOW", "10.0.0.0/33"),
    ("TRUSTDESK_METRICS_TOKEN", "too-short"), ("TRUSTDESK_TRUSTED_PROXIES", "proxy.local")])
def test_a_bad_operations_setting_stops_check(tmp_path, variable, value):
    _refused(_run(tmp_path, ["check"], **{variable: value}), variable)


def test_a_bad_retention_approval_setting_stops_check(tmp_path):
    _refused(_run(tmp_path, ["check"], TRUSTDESK_RETENTION_AUTO="sometimes"),
             "TRUSTDESK_RETENTION_AUTO", "'sometimes'")


def test_production_logs_json_and_development_text(tmp_path):
    show = ["shell", "--no-imports", "-c",
            "from django.conf import settings; print(settings.LOG_FORMAT)"]
    assert _run(tmp_path, show).stdout.strip() == "text"
    production = _run(tmp_path, show, TRUSTDESK_ENV="production", TRUSTDESK_SECRET_KEY="k" * 60,
                      TRUSTDESK_ALLOWED_HOSTS="helpdesk.example.com")
    assert production.stdout.strip() == "json", production.stderr
    assert _run(tmp_path, show, TRUSTDESK_LOG_FORMAT="json").stdout.strip() == "json"


@pytest.mark.parametrize("case", sorted(POLICIES))
def test_a_bad_field_policy_stops_check(tmp_path, case):
    value, text = POLICIES[case]
    _refused(_run(tmp_path, ["check"], TRUSTDESK_FIELD_POLICY=value),
             "TRUSTDESK_FIELD_POLICY", text)


@pytest.mark.parametrize("extra", [
    {"TRUSTDESK_REVEAL_SECONDS": "sixty"},
    {"TRUSTDESK_FIELD_POLICY": '{"agent": {"email": "shown"}}'},
    {"TRUSTDESK_FIELD_POLICY": '{"agent": {"emial": "hidden"}}'},
    {"TRUSTDESK_AUDIT_SYSLOG": "siem.example.com"},
])
def test_serve_refuses_to_start_on_a_bad_setting(tmp_path, extra):
    [variable] = extra
    result = _run(tmp_path, ["serve", "--port", "0", "--no-migrate"], **extra)
    _refused(result, variable)
    assert "is serving" not in result.stdout


def test_good_settings_pass_check(tmp_path):
    result = _run(tmp_path, ["check"], TRUSTDESK_REVEAL_SECONDS="30",
                  TRUSTDESK_FIELD_POLICY='{"agent": {"email": "revealable", '
                  '"type:card_number": "hidden", "*": "masked"}}')
    assert result.returncode == 0, result.stderr


def _variables_in_source() -> set[str]:
    root = Path(trustdesk.__file__).parent
    found = set()
    for path in root.rglob("*"):
        if path.suffix in (".py", ".yaml", ".html", ".toml") and path.is_file():
            found |= set(re.findall(r"TRUSTDESK_[A-Z0-9_]*[A-Z0-9]", path.read_text()))
    return found


def _documented() -> set[str]:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = [line for line in readme.splitlines() if line.startswith("| `TRUSTDESK_")]
    return set(re.findall(r"TRUSTDESK_[A-Z0-9_]*[A-Z0-9]", "\n".join(table)))


def test_every_variable_the_code_reads_is_in_the_readme_table():
    variables = _variables_in_source()
    assert len(variables) >= 30  # not vacuous: the source was read
    assert sorted(variables - _documented()) == []
