"""Payment-card issuer ranges and lengths, from the schemes' published IIN tables (the
ISO/IEC 7812 issuer identification numbers as listed by the schemes and collected in
the "Payment card number" IIN table): which first digits belong to which scheme, and
which lengths that scheme issues. A number is a card only if a row fits both its
prefix and its length, and (every scheme below uses it) the Luhn check passes.

Left out on purpose: Diners Club enRoute (2014, 2149; no check digit, no longer
issued) and any range whose scheme does not use Luhn, because without a check digit a
15-digit range is any 15-digit number. ``weak`` rows (UATP: every 15-digit number
starting with 1) count only with a card word nearby, as 12- and 13-digit numbers do.
"""

from __future__ import annotations

from typing import NamedTuple


class Range(NamedTuple):
    scheme: str
    low: str  # inclusive prefix bounds of equal length: ("3528", "3589")
    high: str
    lengths: frozenset[int]
    weak: bool = False


def _r(scheme: str, prefixes: str, lengths, *, weak: bool = False) -> list[Range]:
    """Rows for ``prefixes``: "34,37" or "2221-2720" or both mixed."""
    rows = []
    for part in prefixes.split(","):
        low, _, high = part.strip().partition("-")
        rows.append(Range(scheme, low, high or low, frozenset(lengths), weak))
    return rows


_16_19 = range(16, 20)
RANGES: tuple[Range, ...] = tuple(
    # Visa 13 is withdrawn but still valid; Visa Electron and Dankort co-brands are Visa.
    _r("visa", "4", (13, 16, 19))
    + _r("mastercard", "51-55, 2221-2720", (16,))
    + _r("amex", "34, 37", (15,))
    + _r("discover", "6011, 644-649, 65, 622126-622925", _16_19)
    + _r("jcb", "3528-3589", _16_19)
    + _r("jcb", "1800, 2131", (15,))
    + _r("diners", "300-305, 3095, 36, 38-39", range(14, 20))
    + _r("unionpay", "62", _16_19)
    + _r("china_t_union", "31", (19,))
    + _r("mir", "2200-2204", _16_19)
    + _r("borica", "2205", (16,))
    + _r("rupay", "60, 65, 81, 82, 508, 353, 356", (16,))
    + _r("interpayment", "636", _16_19)
    + _r("instapayment", "637-639", (16,))
    + _r("maestro", "50, 56-69", range(12, 20))
    + _r("dankort", "5019", (16,))
    + _r("troy", "9792", (16,))
    + _r("verve", "506099-506198, 650002-650027, 507865-507964", (16, 18, 19))
    + _r("uzcard", "8600, 5614", (16,))
    + _r("humo", "9860", (16,))
    + _r("napas", "9704", (16, 19))
    + _r("gpn", "1946, 50, 56, 58, 60-63", (16, 18, 19))
    + _r("uatp", "1", (15,), weak=True)
)


def issuer(digits: str) -> Range | None:
    """The first row whose prefix range and lengths fit ``digits`` (digits only)."""
    n = len(digits)
    if not 12 <= n <= 19 or not digits.isdigit():
        return None
    for row in RANGES:
        if n in row.lengths and row.low <= digits[:len(row.low)] <= row.high:
            return row
    return None
