"""Dates (DATE_TIME) in many locales, checked as real calendar dates."""

from __future__ import annotations

import pytest

from trustdesk import pii


def dates(text: str) -> list[str]:
    return [text[f.start:f.end] for f in pii.scan(text) if f.entity == "DATE_TIME"]


@pytest.mark.parametrize("value", [
    "1985-04-03", "1985/04/03", "2024-05-12T14:30:00Z", "2024-05-12 14:30",
    "03/04/1985", "3/4/1985", "3/4/85", "12.05.1990", "03.04.85", "3-4-1985",
    "3 April 1985", "April 3, 1985", "Apr. 3, 1985", "April 3rd, 1985", "3rd of April 1985",
    "3-Apr-1985", "3-Apr-85", "3 Apr '85", "Dec 12 2023",
    "3. April 1985", "3. Apr. 1985",               # de
    "3 avril 1985", "1er avril 1985",              # fr
    "3 de abril de 1985",                          # es, pt
    "3 aprile 1985", "12 maart 1990",              # it, nl
    "1985年4月3日", "1985年04月03日",               # zh, ja
    "1985년 4월 3일",                              # ko
    "April 1985", "April 3rd", "3 avril", "10 mai", "18 août",  # no year, or no day
])
def test_dates_in_many_forms_and_locales(value):
    assert dates(f"it happened on {value} at the branch") == [value]


@pytest.mark.parametrize("text", [
    "on 31/02/2020", "on 30.02.2021", "on 2021-13-01", "on 32/01/2020",
    "on 31 February 2020", "on 1985年2月30日", "on 2021-02-29",
])
def test_impossible_calendar_dates_are_rejected(text):
    assert dates(text) == []


@pytest.mark.parametrize("text", [
    "version 1.2.10", "build 10.0.19045.2130", "app v2.10.2020", "release 3.11.2023",
    "IP 192.168.1.10", "INV-2024-05-12345", "you may 5 times", "in 2024", "at 14:30",
])
def test_versions_numbers_and_words_are_not_dates(text):
    assert dates(text) == []


def test_a_birth_date_is_named_by_its_recognizer():
    found = pii.scan("DOB: 3 April 1985, order placed 2024-05-12")
    assert [(f.recognizer, f.entity) for f in found] == [
        ("date_of_birth", "DATE_TIME"), ("date", "DATE_TIME")]
    # A date after "born" that no one can be born on is a date, not a birth date.
    assert [f.recognizer for f in pii.scan("born on 2099-01-01")] == ["date"]
