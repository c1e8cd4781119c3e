"""What a caller said, as the agent typed it, against a record: forgiving of how it was
typed, exact in what it means (the cent, the day, the four digits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from trustdesk.verification import answers


@pytest.mark.parametrize(("typed", "value"), [
    ("£1,234.50", "1234.50"),
    ("1.234,50 €", "1234.50"),
    ("12,5", "12.50"),
    ("12.5", "12.50"),
    ("EUR 12.50", "12.50"),
    ("12.50 EUR", "12.50"),
    ("$ 1 234.50", "1234.50"),
    ("1,234", "1234.00"),
    ("1.234.567,89", "1234567.89"),
    ("-12.50", "-12.50"),
    ("EUR -12.50", "-12.50"),
    ("１２，５０", "12.50"),  # full-width digits and comma
    ("٤٢٫٥٠", "42.50"),  # Arabic-Indic digits and decimal separator
    ("\u221212.50", "-12.50"),  # the minus sign a spreadsheet writes
    ("42", "42.00"),
    (".5", "0.50"),
])
def test_amounts_are_read_to_the_cent(typed, value):
    assert answers.amount(typed) == Decimal(value)


@pytest.mark.parametrize("garbage", ["", "   ", "abc", "twelve pounds", "--12", "12-13",
                                     "12.50-", "€", ".,", "-"])
def test_garbage_is_no_amount(garbage):
    assert answers.amount(garbage) is None


def test_amounts_compare_to_the_cent():
    assert answers.same("payment_amount", "£1,234.50", "1234.5")
    assert answers.same("payment_amount", "1.234,50 €", "1234.50")
    assert answers.same("payment_amount", "12,5", "12.50")
    assert not answers.same("payment_amount", "1234.51", "1234.50")
    assert not answers.same("payment_amount", "1234", "1234.50")
    assert not answers.same("payment_amount", "-12.50", "12.50")
    assert not answers.same("payment_amount", "garbage", "12.50")
    # A refund in the records is not the same amount paid.
    assert not answers.same("payment_amount", "12.50", "\u221212.50")
    assert answers.same("payment_amount", "-12.50", "\u221212.50")
    assert not answers.same("payment_amount", "42\u066b50", "4250")
    # A record that is no amount matches nothing, not even itself.
    assert not answers.same("payment_amount", "n/a", "n/a")


@pytest.mark.parametrize("typed", ["2026-04-03", "2026/04/03", "20260403", "3 April 2026",
                                   "3 Apr 2026", "April 3, 2026", "Apr 3 2026",
                                   "2026年4月3日", "2026 年 4 月 3 号", "２０２６-０４-０３",
                                   "03.04.2026", "03/04/2026"])
def test_dates_written_many_ways_are_the_same_day(typed):
    assert dt.date(2026, 4, 3) in answers.dates(typed)
    assert answers.same("payment_date", typed, "2026-04-03")


def test_a_day_month_order_that_is_ambiguous_is_accepted_both_ways():
    assert answers.dates("03/04/2026") == {dt.date(2026, 4, 3), dt.date(2026, 3, 4)}
    assert answers.same("order_date", "03/04/2026", "2026-04-03")
    assert answers.same("order_date", "03/04/2026", "2026-03-04")
    # Unambiguous: one day only.
    assert answers.dates("13/04/2026") == {dt.date(2026, 4, 13)}
    assert answers.dates("04/13/2026") == {dt.date(2026, 4, 13)}


def test_other_days_and_garbage_do_not_match_a_date():
    assert not answers.same("payment_date", "2026-04-04", "2026-04-03")
    assert not answers.same("payment_date", "4 April 2026", "2026-04-03")
    assert not answers.same("payment_date", "2025-04-03", "2026-04-03")
    assert not answers.same("payment_date", "yesterday", "2026-04-03")
    assert not answers.same("payment_date", "2026-02-30", "2026-03-02")
    assert answers.dates("not a date") == set()
    assert not answers.same("payment_date", "2026-04-03", "sometime")


@pytest.mark.parametrize("typed", ["4242", "4 2 4 2", "42-42", "４２４２", "٤٢٤٢", "४२४२"])
def test_last_four_typed_any_way(typed):
    assert answers.same("card_last4", typed, "4242")
    assert answers.same("card_last4", typed, "4000 0000 0000 4242")


@pytest.mark.parametrize("typed", ["242", "14242", "4243", "", "four two four two"])
def test_last_four_is_exactly_four_digits(typed):
    assert not answers.same("card_last4", typed, "4242")


def test_codes_are_read_as_their_digits():
    for typed in ("123456", "123 456", "123-456", " 12 34 56 ", "１２３４５６", "١٢٣٤٥٦",
                  "१२३४५६", "123\u200b456", "123\u00a0456"):
        assert answers.digits(typed) == "123456", typed


def test_an_order_number_ignores_spacing_and_case():
    assert answers.same("order_number", "ord 7731-a", "ORD-7731A")
    assert not answers.same("order_number", "ORD-7732A", "ORD-7731A")
    assert not answers.same("order_number", " - ", "")
