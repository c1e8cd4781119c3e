"""Redaction operators and ``redact``."""

from __future__ import annotations

import pytest

from trustdesk import pii
from trustdesk.pii import Keep, KeyedHash, Mask, Replace, Tokenize

KEY = b"k" * 32
TEXT = "card 4111 1111 1111 1111, mail Ada@Example.org, password: hunter22!"


def _redact(operator, text=TEXT):
    return pii.redact(text, pii.scan(text), operator)


def test_replace_with_the_entity_tag_is_the_default():
    assert pii.redact(TEXT, pii.scan(TEXT)) == (
        "card <CREDIT_CARD>, mail <EMAIL_ADDRESS>, password: <PASSWORD>")
    assert _redact(Replace("[{entity}]")).startswith("card [CREDIT_CARD]")


@pytest.mark.parametrize(("entity", "value", "masked"), [
    ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
    ("US_SSN", "536-22-8726", "***-**-8726"),
    ("PHONE_NUMBER", "+44 20 7946 0958", "+** ** **** 0958"),
    ("EMAIL_ADDRESS", "ada@example.org", "***@******e.org"),
    ("PASSWORD", "hunter22!", "*********"),  # secrets never keep a character
    ("API_KEY", "AKIAIOSFODNN7EXAMPLE", "*" * 20),
    ("US_SSN", "12", "**"),  # short values never show half
])
def test_mask(entity, value, masked):
    assert Mask(keep_last=4).apply(value, entity) == masked


def test_mask_options():
    assert Mask(keep_last=2, char="#", keep_separators=False).apply(
        "536-22-8726", "US_SSN") == "#########26"
    with pytest.raises(ValueError):
        Mask(char="**")


def test_keyed_hash_is_stable_normalized_and_keyed():
    h = KeyedHash(KEY)
    a = h.apply("4111 1111 1111 1111", "CREDIT_CARD")
    assert a == h.apply("4111-1111-1111-1111", "CREDIT_CARD")  # same card, same token
    assert a.startswith("<CREDIT_CARD#") and len(a) == len("<CREDIT_CARD#>") + 16
    assert a != KeyedHash(b"j" * 32).apply("4111 1111 1111 1111", "CREDIT_CARD")
    assert h.apply("Ada@Example.org", "EMAIL_ADDRESS") == h.apply("ada@example.org",
                                                                  "EMAIL_ADDRESS")
    assert "4111" not in a
    assert "bytes" in repr(h) and "kkkk" not in repr(h)
    with pytest.raises(ValueError):
        KeyedHash(b"short")


def test_tokenize_calls_the_given_tokenizer():
    seen = []

    def vault(entity, value):
        seen.append((entity, value))
        return f"tok_{len(seen)}"

    assert _redact(Tokenize(vault)) == "card tok_1, mail tok_2, password: tok_3"
    assert seen[0] == ("CREDIT_CARD", "4111 1111 1111 1111")


def test_operator_per_entity_with_a_default():
    out = _redact({"CREDIT_CARD": Mask(), "EMAIL_ADDRESS": Keep(), "*": Replace()})
    assert out == "card **** **** **** 1111, mail Ada@Example.org, password: <PASSWORD>"


def test_redact_settles_overlaps_and_refuses_findings_outside_the_text():
    findings = [pii.Finding("A", 0, 4, 0.5, "r"), pii.Finding("B", 2, 6, 0.9, "r")]
    assert pii.redact("abcdefgh", findings) == "ab<B>gh"
    with pytest.raises(ValueError):
        pii.redact("abc", [pii.Finding("A", 0, 10, 0.5, "r")])
