"""The scanner around the recognizers: overlap resolution, entity and locale selection,
and windowed scanning of inputs larger than one window."""

from __future__ import annotations

import io
import itertools

import pytest

from trustdesk import pii
from trustdesk.pii import Finding, Scanner, resolve_overlaps


def F(entity, start, end, score, recognizer="r", priority=0):
    return Finding(entity, start, end, score, recognizer, priority)


@pytest.mark.parametrize(("findings", "kept"), [
    # higher score wins
    ([F("A", 0, 10, 0.5), F("B", 5, 12, 0.9)], [("B", 5, 12)]),
    # equal score: the longer span wins
    ([F("A", 0, 10, 0.8), F("B", 2, 6, 0.8)], [("A", 0, 10)]),
    # equal score and length: the recognizer registered first wins
    ([F("A", 0, 4, 0.8, priority=3), F("B", 2, 6, 0.8, priority=1)], [("B", 2, 6)]),
    # disjoint findings are all kept, in text order
    ([F("B", 10, 12, 0.1), F("A", 0, 4, 0.2)], [("A", 0, 4), ("B", 10, 12)]),
    # touching spans do not overlap
    ([F("A", 0, 4, 0.9), F("B", 4, 8, 0.9)], [("A", 0, 4), ("B", 4, 8)]),
    # a strong finding inside a weak long one removes the long one
    ([F("URL", 0, 30, 0.6), F("IP", 7, 15, 0.95), F("X", 20, 25, 0.7)],
     [("IP", 7, 15), ("X", 20, 25)]),
])
def test_overlap_resolution(findings, kept):
    assert [(f.entity, f.start, f.end) for f in resolve_overlaps(findings)] == kept


def test_a_validated_card_beats_a_bank_account_guess_over_the_same_digits():
    text = "account number 4111111111111111"
    assert [(f.entity, text[f.start:f.end]) for f in pii.scan(text)] == [
        ("CREDIT_CARD", "4111111111111111")]


def test_findings_are_disjoint_and_sorted():
    text = ("SSN 536-22-8726 card 4111 1111 1111 1111 call +44 20 7946 0958 "
            "https://10.0.0.1/x ada@example.org ") * 3
    found = pii.scan(text)
    assert found == sorted(found, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_entities_limits_the_scan_and_accepts_aliases():
    text = "card 4111 1111 1111 1111 mail ada@example.org passport: X12345678"
    assert {f.entity for f in pii.scan(text, entities=["EMAIL_ADDRESS"])} == {"EMAIL_ADDRESS"}
    assert {f.entity for f in pii.scan(text, entities=["US_PASSPORT"])} == {"PASSPORT"}
    assert {f.entity for f in pii.scan(text, entities="credit_card")} == {"CREDIT_CARD"}


def test_unknown_entity_or_locale_is_an_error_not_an_empty_result():
    with pytest.raises(pii.UnknownEntity, match="CREDIT_CARDS"):
        pii.scan("x", entities=["CREDIT_CARDS"])
    with pytest.raises(pii.UnknownEntity, match="locale"):
        pii.scan("x", locales=["xx_QQ"])


@pytest.mark.parametrize(("locales", "regions"), [
    (["en_US"], ("US",)), (["zh-CN", "de"], ("CN", "DE")), (["GB"], ("GB",)),
    ("fr_FR", ("FR",)), (None, pii.DEFAULT_REGIONS),
])
def test_locales_map_to_phone_regions(locales, regions):
    assert pii.regions_for(locales) == regions


def test_person_without_a_backend_says_how_to_get_one(monkeypatch):
    monkeypatch.setattr("trustdesk.pii.ner._cached", [])
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    with pytest.raises(pii.NerUnavailable, match="spaCy"):
        pii.scan("Ada Lovelace lives in London", entities=["PERSON"])
    # The pattern engine alone still works and never loads a model.
    assert pii.scan("mail ada@example.org")[0].entity == "EMAIL_ADDRESS"


SMALL = dict(chunk=4096, overlap=1024, margin=128)


@pytest.mark.parametrize("shift", range(0, 40, 3))
def test_card_straddling_a_window_edge_is_found_once(shift):
    scanner = Scanner(**SMALL)
    card = "4111 1111 1111 1111"
    start = 4096 - 10 + shift - 20
    text = "x " * (start // 2) + ("\n" if start % 2 else "") + card + " tail" + " z" * 3000
    assert text.index(card) == start
    found = [f for f in scanner.scan(text) if f.entity == "CREDIT_CARD"]
    assert [(f.start, f.end) for f in found] == [(start, start + len(card))]
    streamed = list(scanner.scan_stream(io.StringIO(text)))
    assert [(f.start, f.end) for f in streamed if f.entity == "CREDIT_CARD"] == [
        (start, start + len(card))]


def test_label_just_before_a_window_edge_still_counts():
    scanner = Scanner(**SMALL)
    text = "a" * 4080 + " password: Tr0ub4dor&3 " + "b " * 4000
    found = [text[f.start:f.end] for f in scanner.scan(text)]
    assert found == ["Tr0ub4dor&3"]


def test_stream_finds_the_same_as_one_pass():
    scanner = Scanner(**SMALL)
    block = ("Hello, card 4111-1111-1111-1111, SSN 536-22-8726, mail ada@example.org, "
             "call +44 20 7946 0958, from 192.168.1.20. ")
    text = block * 400  # about 40 windows
    whole = Scanner().scan(text)  # one window
    pieces = (text[i:i + 777] for i in range(0, len(text), 777))
    assert list(scanner.scan_stream(pieces)) == whole
    assert scanner.scan(text) == whole
    assert len(whole) == 5 * 400


def test_private_key_longer_than_a_chunk_of_prose_is_found_whole():
    scanner = Scanner(**SMALL)
    body = "\n".join("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw" for _ in range(20))
    key = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"
    text = "z" * 3900 + "\n" + key + "\n" + "w " * 3000
    found = [text[f.start:f.end] for f in scanner.scan(text)]
    assert found == [key]


def test_window_sizes_are_checked():
    with pytest.raises(ValueError):
        Scanner(chunk=100, overlap=1000)
