"""Dates (``DATE_TIME``, Presidio's name): every calendar date written in one of the
common numeric or spelled-out forms of the locales intake sees, and, found separately,
a date of birth after its label.

The forms come from the locales' date conventions (CLDR's short, medium and long date
patterns for en, de, fr, es, it, nl, pt, zh, ja, ko) and ISO 8601:

- ISO ``1985-04-03``, ``1985/04/03``, ``1985.04.03``, with a time after it
  (``2024-05-12T14:30:00Z``, ``2024-05-12 14:30``);
- numeric day-month-year or month-day-year with ``/``, ``-`` or ``.`` (``03/04/1985``,
  ``12.05.1990``, ``3-4-85``): a date if it is a real date read either way;
- a spelled-out month after the day (``3 April 1985``, ``3. April 1985``, ``3rd of April
  1985``, ``3 avril 1985``, ``1er avril 1985``, ``3 de abril de 1985``, ``3-Apr-1985``) or
  before it (``April 3, 1985``, ``Apr. 3rd 1985``);
- ``1985年4月3日`` (Chinese, Japanese) and ``1985년 4월 3일`` (Korean).

Each is checked as a real calendar date (``31/02/2020`` is not one) between 1900 and
2099. A two-digit year is read only with ``/``, or with both day and month written with
two digits ("03.04.85"), so version numbers ("1.2.10") are not dates; a date after
"version", "build" or "release" is a version too. Dates without a year are not found.
"""

from __future__ import annotations

import datetime as _dt
import re

from trustdesk.pii import validators as v
from trustdesk.pii.recognizers.base import (
    AnchoredRecognizer,
    Context,
    PatternRecognizer,
    ScanOptions,
    words_regex,
)

_MONTH_NAMES = (
    # One row per month: English, German, French, Spanish, Italian, Dutch, Portuguese,
    # with the abbreviations CLDR lists for them.
    "january jan januar jänner jän janvier janv enero ene gennaio genn januari janeiro",
    "february feb februar februar février févr fevr febrero febbraio febbr februari "
    "fevereiro fev",
    "march mar märz mär mrz mars marzo maart março",
    "april apr avril avr abril abr aprile",
    "may mai mayo maggio mei maio",
    "june jun juni juin junio giugno giu junho",
    "july jul juli juillet juil julio luglio lug julho",
    "august aug août agosto ago augustus",
    "september sep sept septembre septiembre setiembre settembre sett setembro",
    "october oct oktober okt octobre octubre ottobre ott outubro",
    "november nov novembre noviembre novembro",
    "december dec dezember dez décembre déc diciembre dic dicembre dezembro",
)
MONTHS = {name: i for i, row in enumerate(_MONTH_NAMES, start=1) for name in row.split()}
# Names of up to four letters that are written out, not abbreviated: no full stop after
# them belongs to the date ("on 3 June." ends a sentence; "3 Apr. 1985" abbreviates).
_FULL_SHORT = {"may", "mai", "mei", "mayo", "maio", "june", "juni", "juin", "july", "juli",
               "mars", "märz", "août"}


def _trie(words) -> str:
    """An alternation of ``words`` as a prefix tree: the regex engine tries alternatives
    one by one, so ninety month names as a flat list cost ninety tries per position."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branch(tree)


def _branch(node: dict) -> str:
    ends = "" in node
    parts = [re.escape(ch) + _branch(child) for ch, child in sorted(node.items()) if ch]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if ends else body


_MON = ("(?i:" + _trie(m for m in MONTHS if len(m) > 4 or m in _FULL_SHORT)
        + "|" + _trie(m for m in MONTHS if len(m) <= 4 and m not in _FULL_SHORT)
        + r"\.?)(?![^\W\d_])")
_SP = r"[ \u00a0]"
_TIME = (r"(?:(?:T|" + _SP + r"{1,2})\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?"
         r"(?:" + _SP + r"?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)(?![A-Za-z]))?)?")
_END = r"(?![0-9A-Za-z]|[./:-]\d)"
# The numeric and day-first forms; every branch starts with a digit.
_DIGIT_FORMS = (
    r"(?P<iso>(?P<y1>(?:19|20)\d{2})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
    + _TIME + ")"
    r"|(?P<cjk>(?P<y2>\d{4})\s*[年년]\s*(?P<m2>\d{1,2})\s*[月월]\s*(?P<d2>\d{1,2})\s*[日号號일])"
    r"|(?P<num>(?P<a3>\d{1,2})(?P<s3>[-/.])(?P<b3>\d{1,2})(?P=s3)(?P<y3>\d{4}|\d{2})"
    + _TIME + ")"
    r"|(?P<dm>(?P<d4>\d{1,2})(?:st|nd|rd|th|er|e|º|ª)?\.?" + _SP + r"*(?:[-/]" + _SP
    + r"*)?(?:of" + _SP + r"+|de" + _SP + r"+)?(?P<mon4>" + _MON + r")(?:(?:" + _SP
    + r"+de[l]?" + _SP + r"+|" + _SP + r"*[-/]" + _SP + r"*|" + _SP + r"*,?" + _SP
    + r"*)(?:(?P<y4>\d{4})|(?<=[-/])(?P<y4s>\d{2})|'(?P<y4q>\d{2})))?)"
)
# The tail of a month-first date ("3, 1985" in "April 3, 1985"); the month is read
# backwards from it, so the pattern still starts with a digit (see base.DIGIT_START).
_TAIL = (r"(?P<my>(?:19|20)\d{2})(?![0-9A-Za-z])"
         r"|(?P<md>\d{1,2})(?:st|nd|rd|th)?(?:(?:," + _SP + r"*|" + _SP + r"+)"
         r"(?P<mdy>(?:19|20)\d{2}))?")
_MONTH_BEFORE = re.compile(r"(?P<mon>" + _MON + r")" + _SP + r"+(?:the" + _SP + r"+)?\Z")
_DAY_BEFORE = re.compile(r"(?<!\d)(?<!\d )(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|e|\.)?" + _SP
                         + r"*(?:of" + _SP + r"+|de" + _SP + r"+)?\Z")
_VERSION = Context(("version", "ver", "v", "build", "release", "rev", "firmware"),
                   before=12)


def real_dates(m: re.Match, month: int | None = None) -> list[_dt.date]:
    """The calendar dates a match of the grammar can be read as (none if not real)."""
    g = m.group
    if g("iso"):
        parts = [(g("y1"), g("m1"), g("d1"))]
    elif g("cjk"):
        parts = [(g("y2"), g("m2"), g("d2"))]
    elif g("num"):
        a, b, y = g("a3"), g("b3"), g("y3")
        if len(y) == 2 and g("s3") != "/" and (len(a) != 2 or len(b) != 2):
            return []
        parts = [(y, b, a), (y, a, b)]
    elif g("dm"):
        parts = [(g("y4") or g("y4s") or g("y4q"), MONTHS[_month_key(g("mon4"))], g("d4"))]
    elif g("md"):
        parts = [(g("mdy"), month, g("md"))]
    else:
        parts = [(g("my"), month, 1)]  # "April 1985": the month is a real one
    out = []
    for y, mo, d in parts:
        year = 2000 if y is None else int(y)  # no year: any year, so 29 February too
        if year < 100:
            year += 1900 if year >= 50 else 2000
        try:
            day = _dt.date(year, int(mo), int(d))
        except (TypeError, ValueError):
            continue
        if 1900 <= day.year <= 2099:
            out.append(day)
    return out


def _has_year(m: re.Match) -> bool:
    return any(m.group(g) is not None for g in ("y4", "y4s", "y4q"))


def _month_key(name: str) -> str:
    return name.rstrip(".").lower()


# Without a year, "may" and "march" are as likely a verb; an English month name counts
# then only capitalised, another language's only written out ("3 avril", "3. März").
_ENGLISH = frozenset((
    "january", "jan", "february", "feb", "march", "mar", "april", "apr", "may", "june",
    "jun", "july", "jul", "august", "aug", "september", "sep", "sept", "october", "oct",
    "november", "nov", "december", "dec"))


def _named(name: str) -> bool:
    key = _month_key(name)
    if key in _ENGLISH:
        return name[0].isupper()
    return len(key) > 4 or key in _FULL_SHORT or name[0].isupper()


class DateRecognizer(PatternRecognizer):
    """Any real calendar date in the forms above. Score 0.6: a date is personal data
    only together with what it dates, so it loses overlaps to every identifier."""

    name = "date"
    entities = ("DATE_TIME",)
    score = 0.6
    yearless_score = 0.5
    # Two steps, for speed: a cheap pattern that starts with a digit finds where a date
    # may begin (the regex engine skips to it at C speed), then the grammar is matched
    # there.
    pattern = re.compile(r"\d(?<![0-9A-Za-z./:-]\d)\d{0,3}(?!\d)")
    _grammar = re.compile(r"(?:" + _DIGIT_FORMS + "|" + _TAIL + ")" + _END)

    def find(self, text: str, opts: ScanOptions):
        pos = 0
        while (c := self.pattern.search(text, pos)) is not None:
            pos = c.end()
            m = self._grammar.match(text, c.start())
            if m is None:
                continue
            start, end = m.span()
            month, score = None, self.score
            if m.group("md") is not None or m.group("my") is not None:
                before = _MONTH_BEFORE.search(text, max(0, start - 16), start)
                if before is None:
                    continue
                if _DAY_BEFORE.search(text, max(0, before.start() - 8), before.start()):
                    continue  # "31 February 1957": a day-first date, and not a real one
                name = before.group("mon")
                if m.group("mdy") is None and m.group("my") is None and not _named(name):
                    continue
                month = MONTHS[_month_key(name)]
                start = before.start()
            elif m.group("dm") is not None and not _has_year(m) \
                    and not _named(m.group("mon4")):
                continue
            if not real_dates(m, month) or _VERSION.label_distance(text, start) is not None:
                continue
            if not _has_year(m) and m.group("mdy") is None and (
                    m.group("dm") is not None or m.group("md") is not None):
                score = self.yearless_score
            pos = end
            yield self.finding(start, end, score)


class DateOfBirthRecognizer(AnchoredRecognizer):
    """A date right after "DOB", "date of birth", "born", "出生日期"…, in any form of the
    grammar above, that is a plausible birth date (1900 to today). It scores above a
    plain date, so the finding over a birth date names this recognizer."""

    name = "date_of_birth"
    entities = ("DATE_TIME",)
    score = 0.85
    needles_ci = ("dob", "d.o.b", "birth", "born", "出生", "生日", "geb", "né", "naissance",
                  "nacimiento", "nascimento", "nascita", "geboorte")
    anchor = words_regex(("dob", "d.o.b.", "date of birth", "birth date", "birthdate",
                          "birthday", "born", "born on", "出生日期", "出生年月", "出生于",
                          "生日", "geboren", "geboren am", "geburtsdatum", "geb.", "né le",
                          "née le", "né", "née", "date de naissance",
                          "fecha de nacimiento", "nacido el", "nacida el",
                          "data di nascita", "nato il", "nata il", "data de nascimento",
                          "geboortedatum"))
    value = re.compile(
        r"[^\n\d]{0,16}?(?<![0-9A-Za-z])(?P<value>(?P<mf>(?P<mon>" + _MON + r")" + _SP
        + r"+(?:the" + _SP + r"+)?(?:" + _TAIL + "))|" + _DIGIT_FORMS + ")" + _END)

    def accept(self, text, m, start, end, opts):
        month = MONTHS[_month_key(m.group("mon"))] if m.group("mf") else None
        born = real_dates(m, month)
        if any(v.plausible_birth_date(d.year, d.month, d.day) for d in born):
            return self.score
        return None
