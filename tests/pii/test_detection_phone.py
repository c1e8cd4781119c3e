"""Phone numbers by numbering plan: extensions, trunk prefixes in parentheses, unusual
groupings; and the digit groups of street addresses, which are not phones."""

from __future__ import annotations

import pytest

from trustdesk import pii


def phones(text: str, locales=None) -> list[str]:
    return [text[f.start:f.end] for f in pii.scan(text, locales=locales)
            if f.entity == "PHONE_NUMBER"]


@pytest.mark.parametrize(("text", "value"), [
    ("call +1 212-555-0100 x123 today", "+1 212-555-0100 x123"),
    ("phone: +1-212-555-0100x1234", "+1-212-555-0100x1234"),
    ("Tel 212.555.0100 ext. 45", "212.555.0100 ext. 45"),
    ("office (212) 555-0100 ext 12.", "(212) 555-0100 ext 12"),
    ("office (212) 555-0100 #123", "(212) 555-0100 #123"),
    ("call 020 7946 0958, extension 214", "020 7946 0958, extension 214"),
    ("电话 010-6552 9988 转 123", "010-6552 9988 转 123"),
    ("手机13812345678转12", "13812345678转12"),
    ("座机 +86 10 6552 9988 分机 8", "+86 10 6552 9988 分机 8"),
])
def test_extensions_belong_to_the_number(text, value):
    assert phones(text) == [value]


@pytest.mark.parametrize("value", [
    "+41 (0)44 668 18 00", "+44 (0)20 7946 0958", "+44(0)20 7946 0958",
    "+49 (0) 30 1234 5678", "+33 (0)1 42 68 53 00", "+31 (0)20 123 4567",
])
def test_national_trunk_prefix_in_parentheses(value):
    assert phones(f"please ring {value} after six") == [value]


@pytest.mark.parametrize("value", [
    "030/1234567", "+49 (0) 30 / 1234 5678", "+1.212.555.0100", "0 30 12 34 56 78",
    "06.12.34.56.78", "+91 98765 43210", "(020) 7946 0958",
])
def test_unusual_groupings(value):
    assert phones(f"call me on {value} please") == [value]


@pytest.mark.parametrize(("text", "value"), [
    ("tel:+14155550134", "+14155550134"), ("Phone:+1 415 555 0134", "+1 415 555 0134"),
    ("Tel.:030 1234567", "030 1234567"), ("电话:010-65529988", "010-65529988"),
])
def test_a_label_glued_by_a_colon(text, value):
    assert phones(text) == [value]


def test_the_minutes_of_a_time_do_not_start_a_phone_number():
    assert phones("call at 12:30 415 555 0134") == ["415 555 0134"]


def test_a_run_of_two_numbers_from_two_regions_is_split():
    assert phones("numbers (506) 234-6874 07400 123723 both work") == [
        "(506) 234-6874", "07400 123723"]


@pytest.mark.parametrize("address", [
    "Friedrichstraße 123 10117 Berlin",
    "Kurfürstendamm 195 10707 Berlin",
    "1 Market St, San Francisco, CA 94105-1234",
    "Rua Augusta, 1103, São Paulo - SP, 01310-100",
    "〒100-0001 東京都千代田区千代田1-1",
    "上海市浦东新区世纪大道88号1203室，邮编200120",
    "北京市朝阳区建国路88号 1203 5678室",
    "Room 1203, No. 88 Century Avenue, Pudong, Shanghai 200120",
    "Via Roma 10 00184 Roma",
    "Flat 12, Lotus Apartments, MG Road, Bengaluru - 560 001",
    "Hauptstrasse 12 8001 12 Zürich",
])
def test_digit_groups_of_street_addresses_are_not_phones(address):
    assert phones(f"Please ship to {address}. Thanks") == []


def test_a_labelled_phone_next_to_an_address_is_still_found():
    text = "Friedrichstraße 123, 10117 Berlin, Tel. 030 1234567"
    assert phones(text) == ["030 1234567"]
    assert phones("ship to 1 Market St, San Francisco, CA 94105-1234, "
                  "call (415) 555-0134") == ["(415) 555-0134"]


def test_a_national_number_needs_the_trunk_prefix_its_plan_requires():
    # German and French numbers are always written with their 0; without it the digits
    # are a house number and a postcode, a count, an amount.
    assert phones("Telefon 030 12345678", ["de"]) == ["030 12345678"]
    assert phones("Haus 30 12345678", ["de"]) == []
    assert phones("numéro 06 12 34 56 78", ["fr"]) == ["06 12 34 56 78"]
    assert phones("lot 6 12 34 56 78", ["fr"]) == []


def test_number_words_label_a_phone_unless_they_name_another_number():
    assert phones("my number is 2125550100") == ["2125550100"]
    assert phones("card number is 2125550100") == []
    assert phones("customer number 2125550100") == []


def test_the_year_that_ends_a_date_is_not_part_of_the_phone_after_it():
    assert phones("since August 23, 1994 201-555-0591!") == ["201-555-0591"]
