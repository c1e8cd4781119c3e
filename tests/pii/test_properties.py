"""Properties over generated input: every valid number is found whatever its format,
an invalid one never is, and the scanner never breaks on arbitrary text."""

from __future__ import annotations

import itertools
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk import pii
from trustdesk.pii import Scanner, validators

# (prefix, length) for each scheme the recognizer knows.
CARD_RANGES = [("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16),
               ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("3528", 16),
               ("3589", 19), ("36", 14), ("300", 14), ("62", 16), ("2200", 16), ("6759", 16)]

settings.register_profile("pii", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pii")


def _with_check_digit(body: str) -> str:
    for d in "0123456789":
        if validators.luhn(body + d):
            return body + d
    raise AssertionError


@st.composite
def cards(draw):
    prefix, length = draw(st.sampled_from(CARD_RANGES))
    body = prefix + "".join(draw(st.lists(st.sampled_from(string.digits),
                                          min_size=length - len(prefix) - 1,
                                          max_size=length - len(prefix) - 1)))
    number = _with_check_digit(body)
    if len(set(number)) == 1:
        number = _with_check_digit(body[:-1] + str((int(body[-1]) + 1) % 10))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    if sep and length == 16:
        number = sep.join(number[i:i + 4] for i in range(0, 16, 4))
    elif (sep and length == 15) or (sep and length == 14):
        number = sep.join((number[:4], number[4:10], number[10:]))
    return number


AROUND = st.sampled_from(["my card is {} thanks", "{}", "Card: {}.", "卡号{}，谢谢",
                          "please refund {} (visa)", "(\n{}\n)"])


@given(cards(), AROUND)
def test_every_valid_card_is_found_whole(card, template):
    text = template.format(card)
    if len(card) == 13:
        text = "visa " + text  # 13 digits count only with a card word (EAN-13 barcodes)
    found = [text[f.start:f.end] for f in pii.scan(text) if f.entity == "CREDIT_CARD"]
    assert found == [card]


@given(cards(), st.integers(min_value=1, max_value=9))
def test_a_card_with_a_wrong_check_digit_is_never_a_card(card, delta):
    last = next(i for i in range(len(card) - 1, -1, -1) if card[i].isdigit())
    broken = card[:last] + str((int(card[last]) + delta) % 10) + card[last + 1:]
    assert not any(f.entity == "CREDIT_CARD" for f in pii.scan(f"card {broken} ok"))


@st.composite
def ibans(draw):
    country = draw(st.sampled_from(sorted(validators.IBAN_LENGTHS)))
    n = validators.IBAN_LENGTHS[country] - 4
    bban = "".join(draw(st.lists(st.sampled_from(string.digits + string.ascii_uppercase),
                                 min_size=n, max_size=n)))
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    value = f"{country}{check:02d}{bban}"
    if draw(st.booleans()):
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


@given(ibans())
def test_every_valid_iban_is_found(value):
    text = f"Please pay to {value} by Friday"
    assert [text[f.start:f.end] for f in pii.scan(text) if f.entity == "IBAN_CODE"] == [value]


@given(st.integers(1, 899).filter(lambda a: a != 666), st.integers(1, 99),
       st.integers(1, 9999))
def test_every_valid_dashed_ssn_is_found(area, group, serial):
    ssn = f"{area:03d}-{group:02d}-{serial:04d}"
    if not validators.us_ssn(ssn):
        return
    assert [f.entity for f in pii.scan(f"SSN {ssn}")] == ["US_SSN"]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_gives_disjoint_in_bounds_findings(text):
    found = pii.scan(text)
    assert all(0 <= f.start < f.end <= len(text) for f in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    tagged = pii.redact(text, found, pii.Replace("\x00"))
    assert tagged.count("\x00") - text.count("\x00") == len(found)


@given(st.lists(st.sampled_from([
    "card 4111 1111 1111 1111", "ada@example.org", "x" * 50, "\n", "SSN 536-22-8726",
    " password: Tr0ub4dor&3 ", "+44 20 7946 0958", "192.168.1.20", "lorem ipsum " * 5,
]), max_size=120), st.integers(1, 500))
def test_streaming_in_any_pieces_equals_one_pass(parts, piece):
    text = " ".join(parts)
    scanner = Scanner(chunk=1024, overlap=512, margin=128)
    pieces = [text[i:i + piece] for i in range(0, len(text), piece)]
    assert list(scanner.scan_stream(pieces)) == Scanner().scan(text)
