"""CSV cells that a spreadsheet will not run: a cell starting with "=", "+", "-", "@",
a tab or a carriage return is a formula to Excel and LibreOffice (CSV injection), so it
gets a leading apostrophe, which they show as text (OWASP's advice)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA) and not _number(text):
        return "'" + text
    return text


def _number(text: str) -> bool:
    # A negative number is data, not a formula: "-3.5" stays as it is.
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
