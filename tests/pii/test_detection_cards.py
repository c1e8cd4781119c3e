"""Card numbers from the published issuer (IIN) table: every scheme's ranges and
lengths, Luhn, and the groupings people type."""

from __future__ import annotations

import pytest

from trustdesk import pii
from trustdesk.pii import validators as v


def card(prefix: str, length: int) -> str:
    """A Luhn-valid number of ``length`` digits starting with ``prefix``."""
    body = prefix + "7" * (length - len(prefix) - 1)
    return next(body + d for d in "0123456789" if v.luhn(body + d))


def found(text: str) -> list[str]:
    return [text[f.start:f.end] for f in pii.scan(text) if f.entity == "CREDIT_CARD"]


# (scheme, prefix, length) from the IIN table, including the ranges and lengths that
# the detector used to miss: JCB's 15-digit 1800/2131, Maestro's 12 to 19 digits,
# Diners 36 beyond 14, Discover and UnionPay up to 19, Mir, RuPay, Troy, Verve.
ISSUED = [
    ("visa", "4", 16), ("visa", "4", 19), ("mastercard", "51", 16), ("mastercard", "55", 16),
    ("mastercard", "2221", 16), ("mastercard", "2720", 16), ("amex", "34", 15),
    ("amex", "37", 15), ("discover", "6011", 16), ("discover", "6011", 19),
    ("discover", "644", 16), ("discover", "65", 18), ("discover", "622126", 16),
    ("discover", "622925", 17), ("jcb", "3528", 16), ("jcb", "3589", 19),
    ("jcb", "1800", 15), ("jcb", "2131", 15), ("diners", "300", 14), ("diners", "305", 14),
    ("diners", "36", 14), ("diners", "36", 16), ("diners", "38", 19),
    ("maestro", "6759", 15), ("maestro", "5018", 19), ("maestro", "6304", 16),
    ("unionpay", "62", 16), ("unionpay", "62", 19), ("mir", "2200", 16), ("mir", "2204", 19),
    ("rupay", "60", 16), ("rupay", "81", 16), ("troy", "9792", 16),
    ("verve", "506099", 19), ("dankort", "5019", 16), ("instapayment", "637", 16),
]


@pytest.mark.parametrize(("scheme", "prefix", "length"), ISSUED,
                         ids=[f"{s}-{p}-{n}" for s, p, n in ISSUED])
def test_every_issued_range_and_length_is_a_card(scheme, prefix, length):
    number = card(prefix, length)
    assert v.card_issuer(number) is not None
    assert found(f"paid with {number} yesterday") == [number]


@pytest.mark.parametrize(("prefix", "length"), [
    ("4", 17),        # Visa issues 13, 16 and 19 digits only
    ("2721", 16),     # past the end of Mastercard's 2-series
    ("34", 16),       # Amex is 15 digits
    ("1800", 16),     # JCB's 1800 range is 15 digits
    ("3527", 16),     # just below JCB's 3528
    ("7", 16),        # no scheme issues 7
    ("0", 16),
])
def test_numbers_outside_the_table_are_not_cards(prefix, length):
    assert found(f"card {card(prefix, length)}") == []


def test_luhn_is_required():
    good = card("3528", 16)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert found(f"card {bad}") == []


def test_short_maestro_and_visa_count_right_after_a_card_word():
    maestro12 = card("6759", 12)
    visa13 = card("4", 13)
    assert found(f"my Maestro card {maestro12}") == [maestro12]
    assert found(f"card number: {visa13[:4]} {visa13[4:8]} {visa13[8:12]} {visa13[12:]}") \
        == [f"{visa13[:4]} {visa13[4:8]} {visa13[8:12]} {visa13[12:]}"]
    # Without one, 12 and 13 digits are as likely a barcode or a reference.
    assert found(f"barcode {visa13}") == []
    assert found(f"Bitte schicken Sie mir {visa13}") == []  # "mir": German for "me"
    assert found(f"card 4111 1111 1111 1111 barcode {maestro12}") == ["4111 1111 1111 1111"]


def test_uatp_counts_only_with_a_card_word():
    uatp = card("1", 15)
    assert found(f"UATP card {uatp}") == [uatp]
    assert found(f"shipment {uatp}") == []


@pytest.mark.parametrize("sep", [" ", "-", "."])
def test_common_groupings(sep):
    d16, amex, diners, d19 = card("5500", 16), card("37", 15), card("36", 14), card("62", 19)
    jcb15, maestro12 = card("2131", 15), card("6759", 12)
    grouped = [
        sep.join([d16[:4], d16[4:8], d16[8:12], d16[12:]]),                # 4-4-4-4
        sep.join([amex[:4], amex[4:10], amex[10:]]),                       # 4-6-5
        sep.join([diners[:4], diners[4:10], diners[10:]]),                 # 4-6-4
        sep.join([d19[:4], d19[4:8], d19[8:12], d19[12:16], d19[16:]]),    # 4-4-4-4-3
        sep.join([jcb15[:4], jcb15[4:8], jcb15[8:12], jcb15[12:]]),        # 4-4-4-3
        sep.join([maestro12[:4], maestro12[4:8], maestro12[8:]]),          # 4-4-4
    ]
    for value in grouped:
        assert found(f"card {value}.") == [value], value


def test_mixed_separators_are_not_one_card():
    assert found("card 4111 1111-1111 1111") == []


def test_a_cvv_after_the_number_is_not_part_of_it():
    assert found("card 4111 1111 1111 1111 123") == ["4111 1111 1111 1111"]
