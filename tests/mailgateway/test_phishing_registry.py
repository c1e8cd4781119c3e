"""The phishing analyser's registry and its custom signals in YAML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.mailgateway.analysis.phishing import custom
from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message
from trustdesk.mailgateway.analysis.phishing.base import Context, Signal
from trustdesk.mailgateway.analysis.phishing.custom import SignalConfigError
from trustdesk.mailgateway.analysis.phishing.registry import Registry

from .phishmail import mail, reasons_of

GOOD = """\
signals:
  - name: wire_transfer
    weight: 20
    explanation: The message asks for a wire transfer.
    words: [wire transfer, 电汇]
  - name: iban_in_subject
    weight: 15
    explanation: The subject carries a bank account number.
    regex: 'IBAN\\s*[A-Z]{2}\\d{2}'
    in: [subject]
  - name: reported_senders
    weight: 40
    explanation: This domain sent phishing before.
    sender_domains: [evil.example]
    display_names: [Payroll Office]
  - name: partner
    weight: -10
    explanation: A partner we work with daily.
    sender_domains: [partner.example]
"""


def test_default_registry_has_the_builtins_in_order():
    names = Registry.default().names
    assert names[:3] == ("structure", "authentication", "display_name")
    assert {"lookalike_domain", "lookalike_link", "idn_domain", "freemail_reply",
            "customer_name_new_address", "known_sender", "reputation", "attachment"} <= set(names)


def test_custom_signals_fire_on_what_they_declare():
    by_name = {s.name: s for s in custom.load_text(GOOD)}
    wire = by_name["wire_transfer"]
    assert reasons_of(wire, mail(text="Please make the WIRE TRANSFER today"))[0][0] == 20
    assert reasons_of(wire, mail(text="请今天电汇到以下账户")) != []
    assert reasons_of(wire, mail(text="the wire transferred fine")) == []  # whole words
    iban = by_name["iban_in_subject"]
    assert reasons_of(iban, mail(subject="New IBAN DE89 attached")) != []
    assert reasons_of(iban, mail(text="New IBAN DE89 attached")) == []  # subject only
    assert reasons_of(iban, mail(subject="new iban de89")) == []  # case kept
    reported = by_name["reported_senders"]
    assert reasons_of(reported, mail(sender="x@mail.evil.example")) != []
    assert reasons_of(reported, mail(name="Payroll office team")) != []
    assert reasons_of(reported, mail(sender="x@notevil.example")) == []


def test_custom_signals_count_in_the_verdict():
    registry = Registry.default()
    for signal in custom.load_text(GOOD):
        registry.add(signal)
    verdict = analyze_message(mail(sender="x@evil.example"), registry=registry)
    assert ("reported_senders", 40) in [(r.signal, r.weight) for r in verdict.reasons]
    good = analyze_message(mail(sender="x@partner.example", name="Payroll Office"),
                           registry=registry)
    assert [r.weight for r in good.reasons if r.signal == "partner"] == [-10]


def test_load_yaml_from_a_file(tmp_path):
    path = tmp_path / "signals.yaml"
    path.write_text(GOOD, encoding="utf-8")
    registry = Registry.default()
    loaded = registry.load_yaml(path)
    assert [s.name for s in loaded] == ["wire_transfer", "iban_in_subject",
                                        "reported_senders", "partner"]
    with pytest.raises(SignalConfigError, match="already registered"):
        registry.load_yaml(path)


@pytest.mark.parametrize(("source", "line", "words"), [
    ("signals:\n  - name: a\n    weight: 10\n    explanation: x\n    words: [a\n", 6,
     "started on line 5"),  # an unclosed bracket: where it ends and where it opened
    ("signals:\n  - name: Bad-Name\n    weight: 1\n    explanation: x\n    words: [a]\n", 2,
     "lower_snake_case"),
    ("signals:\n  - name: a\n    weight: 80\n    explanation: x\n    words: [a]\n", 3,
     "weight must be"),
    ("signals:\n  - name: a\n    weight: ten\n    explanation: x\n    words: [a]\n", 3,
     "weight must be"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n", 2, "at least one of"),
    ("signals:\n  - name: a\n    weight: 1\n    words: [a]\n", 2, "missing 'explanation'"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    regex: '('\n", 5,
     "does not compile"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    regex: 'a*'\n", 5,
     "empty string"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    words: [a]\n"
     "    colour: red\n", 6, "unknown key 'colour'"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    words: [a]\n"
     "    in: [headers]\n", 6, "'in' takes"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    words: a\n", 5,
     "must be a list"),
    ("recognizers: []\n", 1, "unknown top-level key"),
    ("signals:\n  - name: a\n    weight: 1\n    explanation: x\n    words: [a]\n"
     "  - name: a\n    weight: 2\n    explanation: y\n    words: [b]\n", 6, "used twice"),
])
def test_mistakes_name_their_line(source, line, words):
    with pytest.raises(SignalConfigError) as caught:
        custom.load_text(source, where="team.yaml")
    assert f"team.yaml line {line}:" in str(caught.value)
    assert words in str(caught.value)


def test_an_empty_file_declares_nothing():
    assert custom.load_text("") == []


def test_a_signal_needs_a_unique_name():
    class Nameless(Signal):
        def check(self, mail, context):
            return []

    with pytest.raises(SignalConfigError, match="no name"):
        Registry([Nameless()])
    registry = Registry.default()
    registry.remove("attachment")
    assert "attachment" not in registry.names


def test_context_is_passed_to_custom_signals():
    (signal,) = custom.load_text(GOOD.split("  - name: iban")[0])
    assert reasons_of(signal, mail(text="wire transfer"), Context()) != []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_signals_or_a_config_error(source):
    try:
        loaded = custom.load_text(source)
    except SignalConfigError as exc:
        assert "line" in str(exc) or "<signals>" in str(exc)
    else:
        assert all(isinstance(s, Signal) for s in loaded)
