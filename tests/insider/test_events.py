"""Reading the audit export: lenient about fields the detectors do not need, strict
about lines they cannot read — never a line dropped in silence. Pure: no database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from trustdesk.insider.detect import MalformedEvent, replay
from trustdesk.insider.detect.events import iter_file, parse_line, read_events

LINE = {"seq": 7, "id": 7, "uid": "6f1c5a3e-0000-4000-8000-000000000007",
        "at": "2026-11-02T09:15:00.000000+00:00",
        "actor": {"kind": "agent", "label": "ada@example.org", "user_id": 3, "token_id": None},
        "action": "ticket.view", "object": {"type": "ticket", "id": "41"},
        "fields": ["messages"], "outcome": "allowed", "reason": "", "ip": "10.0.0.5",
        "user_agent": "Firefox/120.0", "session": "ab", "context": {"customer": "c-1"},
        "mac": "00"}


def test_an_export_line_is_read_with_what_the_detectors_need():
    e = parse_line(json.dumps(LINE), 1)
    assert (e.actor, e.user_id, e.action, e.customer, e.ref) == (
        "ada@example.org", "3", "ticket.view", "c-1", LINE["uid"])
    assert e.at.isoformat() == "2026-11-02T09:15:00+00:00"


def test_unknown_and_missing_optional_fields_are_accepted():
    e = parse_line(json.dumps({"at": "2026-11-02T09:15:00Z", "action": "customer.view",
                               "actor": {"label": "ada@example.org"}, "new_field": [1, 2],
                               "object": {"type": "customer", "id": "c-9"}, "ip": None}), 3)
    assert e.customer == "c-9" and e.is_view and e.ip == "" and e.ref == "line:3"


@pytest.mark.parametrize(("text", "problem"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({**LINE, "at": "yesterday"}), "'at' is not an ISO time"),
    (json.dumps({**LINE, "at": "2026-11-02T09:15:00"}), "'at' has no time zone"),
    (json.dumps({k: v for k, v in LINE.items() if k != "action"}), "'action' is missing"),
    (json.dumps({**LINE, "actor": {"kind": "agent"}}), "neither label nor user_id"),
    (json.dumps({**LINE, "context": "x"}), "'context' must be an object"),
])
def test_a_line_that_cannot_be_read_is_an_error_naming_it(text, problem):
    lines = [json.dumps(LINE), "", text, json.dumps(LINE)]
    with pytest.raises(MalformedEvent, match=problem) as err:
        read_events(lines)
    assert str(err.value).startswith("line 3: ") and err.value.lines == (3,)


def test_every_bad_line_is_listed_and_nothing_is_judged():
    lines = [json.dumps(LINE), "oops", json.dumps(LINE), "{}", json.dumps(LINE)]
    with pytest.raises(MalformedEvent) as err:
        replay(lines)
    assert err.value.lines == (2, 4)
    assert "2 lines cannot be read" in str(err.value)


def test_a_line_that_is_not_utf8_is_named_too(tmp_path):
    path = tmp_path / "trail.jsonl"
    path.write_bytes(json.dumps(LINE).encode() + b"\n" + b'{"at": "\xff"}\n')
    with pytest.raises(MalformedEvent, match="line 2: not UTF-8"):
        read_events(iter_file(path))


def test_a_line_separator_inside_a_value_does_not_split_the_event(tmp_path):
    # The export writes U+2028 as an escape; a raw one must not cut the line in two.
    path = tmp_path / "trail.jsonl"
    path.write_text(json.dumps({**LINE, "reason": "a\u2028b"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    (event,) = read_events(iter_file(path))
    assert event.reason == "a\u2028b"


def test_the_detection_core_imports_without_django():
    code = ("import sys; import trustdesk.insider.detect as d; "
            "assert 'django' not in sys.modules, 'django imported'; print(len(d.KNOWN))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "9"
