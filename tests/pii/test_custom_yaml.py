"""Custom recognizers from YAML: they work, and every mistake names its line."""

from __future__ import annotations

import textwrap

import pytest

from trustdesk.pii import RecognizerConfigError, Registry, Scanner
from trustdesk.pii.custom import load_text

GOOD = """\
recognizers:
  - name: employee_id
    entity: EMPLOYEE_ID
    regex: 'EMP-\\d{6}'
    score: 0.7
  - name: loyalty_card
    entity: LOYALTY_CARD
    regex: '(?P<value>\\d{16})'
    validator: luhn
    context: [loyalty, rewards card]
    context_required: true
  - name: ticket_ref
    entity: TICKET_REF
    regex: 'tk-[a-z]{4}'
    ignore_case: true
"""


def _scanner(tmp_path, source=GOOD):
    path = tmp_path / "recognizers.yaml"
    path.write_text(source)
    registry = Registry.default()
    registry.load_yaml(path)
    return Scanner(registry)


def test_custom_recognizers_find_their_entities(tmp_path):
    scanner = _scanner(tmp_path)
    text = "EMP-123456 loyalty 4012888888881881 ref TK-ABCD; other 4012888888881882"
    got = [(f.entity, text[f.start:f.end], f.recognizer) for f in scanner.scan(
        text, entities=["EMPLOYEE_ID", "LOYALTY_CARD", "TICKET_REF"])]
    assert got == [("EMPLOYEE_ID", "EMP-123456", "employee_id"),
                   ("LOYALTY_CARD", "4012888888881881", "loyalty_card"),
                   ("TICKET_REF", "TK-ABCD", "ticket_ref")]


def test_context_required_drops_unlabelled_matches(tmp_path):
    scanner = _scanner(tmp_path)
    assert scanner.scan("number 4012888888881881", entities=["LOYALTY_CARD"]) == []


def test_a_bare_list_is_accepted_and_an_empty_file_adds_nothing():
    assert [r.name for r in load_text("- {name: a, entity: A, regex: 'x+'}")] == ["a"]
    assert load_text("") == []


@pytest.mark.parametrize(("source", "line", "message"), [
    ("recognizers:\n  - name: a\n    entity: A\n    regex: '(unclosed'\n", 4,
     "regex does not compile"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: 'x'\n    validator: crc32\n", 5,
     "unknown validator 'crc32'"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: 'x'\n    score: 2\n", 5,
     "score must be a number in (0, 1]"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: 'x'\n    score: high\n", 5,
     "score must be"),
    ("recognizers:\n  - name: a\n    entity: A\n", 2, "missing 'regex'"),
    ("recognizers:\n  - name: a\n    entity: A\n    regx: 'x'\n", 4, "unknown key 'regx'"),
    ("recognizers:\n  - name: Bad Name\n    entity: A\n    regex: x\n", 2, "lower_snake"),
    ("recognizers:\n  - name: a\n    entity: lower\n    regex: x\n", 3, "UPPER_SNAKE"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: 'x*'\n", 4, "empty string"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: x\n    context: loyalty\n", 5,
     "context must be a list"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: x\n    context_required: yes\n",
     5, "needs a context list"),
    ("recognizers:\n  - name: a\n    entity: A\n    regex: x\n"
     "  - name: a\n    entity: B\n    regex: y\n", 5, "used twice"),
    ("recognizers:\n  - name: a\n    entity: [A\n", 4, "sequence started on line 3"),
    ("recognisers: []\n", 1, "unknown top-level key 'recognisers'"),
    ("recognizers: 3\n", 1, "must be a list"),
    ("recognizers:\n  - just a string\n", 2, "must be a mapping"),
])
def test_mistakes_name_the_file_and_line(source, line, message):
    with pytest.raises(RecognizerConfigError) as caught:
        load_text(textwrap.dedent(source), where="team.yaml")
    assert caught.value.message.startswith(f"team.yaml line {line}: ")
    assert message in caught.value.message


def test_unreadable_file_and_duplicate_of_a_builtin(tmp_path):
    registry = Registry.default()
    with pytest.raises(RecognizerConfigError, match="cannot read"):
        registry.load_yaml(tmp_path / "missing.yaml")
    (tmp_path / "dup.yaml").write_text("- {name: email, entity: EMAIL_ADDRESS, regex: x}")
    with pytest.raises(RecognizerConfigError, match="already registered"):
        registry.load_yaml(tmp_path / "dup.yaml")
