"""``trustdesk pii scan|redact`` as the operator types it."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _call(*args, stdin: str) -> str:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("pii", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_scan_prints_one_json_line_per_finding_without_values():
    out = _call("scan", stdin="SSN 536-22-8726, mail ada@example.org\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["entity"] for r in rows] == ["US_SSN", "EMAIL_ADDRESS"]
    assert "536-22-8726" not in out and "ada@example.org" not in out


def test_scan_with_text_locales_and_custom_recognizers(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("- {name: employee_id, entity: EMPLOYEE_ID, regex: 'EMP-\\d{6}'}\n")
    out = _call("scan", "--with-text", "--locales", "de_DE", "--recognizers", str(rules),
                stdin="Telefon 030 901820, EMP-123456")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["entity"], r["text"]) for r in rows] == [
        ("PHONE_NUMBER", "030 901820"), ("EMPLOYEE_ID", "EMP-123456")]


def test_redact_replaces_or_masks():
    text = "card 4111 1111 1111 1111"
    assert _call("redact", stdin=text).strip() == "card <CREDIT_CARD>"
    assert _call("redact", "--operator", "mask", stdin=text).strip() == "card **** **** **** 1111"


def test_bad_input_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="unknown entity"):
        _call("scan", "--entities", "NOPE", stdin="x")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {name: a, entity: A, regex: '('}\n")
    with pytest.raises(CommandError, match=r"bad\.yaml line 1"):
        _call("scan", "--recognizers", str(bad), stdin="x")


def test_scan_names_with_the_gazetteer_backend(monkeypatch):
    from trustdesk.pii import ner

    monkeypatch.setenv("TRUSTDESK_PII_NER", "gazetteer")
    monkeypatch.setattr(ner, "_cached", [])
    out = _call("scan", "--with-text", "--entities", "PERSON,LOCATION",
                stdin="Regards,\nAda Lovelace, London\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["entity"], r["text"], r["recognizer"]) for r in rows] == [
        ("PERSON", "Ada Lovelace", "gazetteer"), ("LOCATION", "London", "gazetteer")]
