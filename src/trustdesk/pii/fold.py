"""What the recognizers read: the text with look-alike characters folded to the ASCII the
patterns are written for, one character for one, so every finding's offsets are the
original text's.

A card number, phone number or address typed with full-width digits ("４１１１…"),
other scripts' digits ("٤١١١…"), no-break or thin spaces, or zero-width characters
between its groups reads the same to a person as the plain one, and must read the same to
the detector: otherwise what an agent sees in clear is what the detector missed.
Folded: every decimal digit to its ASCII digit; full-width ASCII forms to ASCII; every
space separator and invisible format character (zero-width space and joiners, word
joiner, soft hyphen, BOM) to a plain space.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):  # the basic plane: where these characters live
        c = chr(code)
        category = unicodedata.category(c)
        if category == "Nd":
            table[code] = str(unicodedata.digit(c))
        elif category in ("Zs", "Cf"):
            table[code] = " "
        elif 0xFF01 <= code <= 0xFF5E:
            table[code] = chr(code - 0xFEE0)
    for code in range(0x1D7CE, 0x1D800):  # mathematical digits (bold, double-struck, …)
        table[code] = str(unicodedata.digit(chr(code)))
    return table


def fold(text: str) -> str:
    """``text`` of the same length, folded (plain ASCII text is returned as it is)."""
    if text.isascii():
        return text
    return text.translate(_table())
