"""What a caller said, as an agent typed it, compared with a record.

The agent types what they hear, so the comparison forgives how it was typed — spaces,
full-width or other scripts' digits, a currency sign, "12,50" for 12.50, a date written
the local way — and nothing else: an amount is equal to the cent, a date to the day.
Pure: no Django, so it is tested on its own."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%B %d %Y",
                 "%b %d %Y", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y", "%m-%d-%Y",
                 "%Y%m%d")
# Marks NFKC leaves alone: the minus sign and the Arabic decimal and thousands separators.
_AMOUNT_MARKS = str.maketrans({"\u2212": "-", "\u066b": ".", "\u066c": ","})
# Inside a number: digits, the decimal point, and what groups thousands (a comma, a dot,
# a space, an apostrophe as in "1'234.50").
_AMOUNT_NUMBER = re.compile(r"[\d.,\s'\u2019]+")
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


def fold(text: str) -> str:
    """Digits of any script as ASCII digits, full-width forms as ASCII, invisible
    format characters dropped, every kind of space one space."""
    out = []
    for char in unicodedata.normalize("NFKC", text or ""):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Nd":
            out.append(str(unicodedata.digit(char)))
        elif category[0] in "ZC":
            out.append(" ")
        else:
            out.append(char)
    return " ".join("".join(out).split())


def digits(text: str) -> str:
    """Only the digits (a code read out as "123 456" or "123-456")."""
    return "".join(c for c in fold(text) if c.isdigit())


def amount(text: str) -> Decimal | None:
    """An amount of money to the cent, or ``None``: "£1,234.50", "1.234,50 €",
    "12,5", "EUR 12.50". A separator followed by one or two final digits is the
    decimal point; the others group thousands. A currency's sign or code goes before or
    after the number, never inside it: "1e5" or "12abc34" is no amount (read as their
    digits, they would be 15 and 1234, an answer nobody gave)."""
    text = fold(text).translate(_AMOUNT_MARKS)
    first = next((i for i, c in enumerate(text) if c.isdigit()), None)
    if first is None:
        return None
    last = max(i for i, c in enumerate(text) if c.isdigit())
    while first and text[first - 1] in ".,":  # ".5" is half of one
        first -= 1
    before, number, after = text[:first], text[first:last + 1], text[last + 1:]
    if (not _AMOUNT_NUMBER.fullmatch(number) or before.count("-") > 1 or "-" in after):
        return None
    negative = "-" in before
    kept = re.sub(r"[\s'\u2019]", "", number)
    match = re.search(r"[.,](\d{1,2})$", kept)
    whole, cents = (kept[:match.start()], match.group(1)) if match else (kept, "")
    whole = re.sub(r"[.,]", "", whole)
    if (whole and not whole.isdigit()) or (not whole and not cents):
        return None
    try:
        value = Decimal(f"{whole or '0'}.{cents or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return -value if negative else value


def dates(text: str) -> set[dt.date]:
    """Every date ``text`` can mean: "03/04/2026" is 3 April or 4 March, so both are
    accepted (documented: a day-month guess doubles an impostor's chance, no more)."""
    text = fold(text).replace(",", " ")
    text = " ".join(text.split())
    found = set()
    if match := _CJK_DATE.search(text):
        with contextlib.suppress(ValueError):
            found.add(dt.date(*(int(g) for g in match.groups())))
    for fmt in _DATE_FORMATS:
        try:
            found.add(dt.datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return found


def same(kind: str, said: str, record: str) -> bool:
    """Whether what the caller said matches the record, for a fact of ``kind``."""
    if kind.endswith("_amount"):
        heard, held = amount(said), amount(record)
        return heard is not None and heard == held
    if kind.endswith("_date"):
        held = dates(record)
        return bool(held) and bool(dates(said) & held)
    if kind == "card_last4":
        return len(digits(said)) == 4 and digits(said) == digits(record)[-4:]
    heard = re.sub(r"[\s\-_/.]", "", fold(said)).casefold()
    return bool(heard) and heard == re.sub(r"[\s\-_/.]", "", fold(record)).casefold()
