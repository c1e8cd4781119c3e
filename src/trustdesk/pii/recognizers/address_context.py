"""Is this run of digits part of a street address? House numbers, postcodes, ZIP+4,
suite and room numbers written next to each other ("Friedrichstraße 123 10117 Berlin",
"CA 94105-1234", "88号1203室") look like national phone numbers to a digit pattern; the
words around them say what they are.

Only unlabelled national numbers are asked about: a number written with + or 00, or
labelled "phone"/"电话", is a phone whatever stands near it. The rules follow the
address formats of the postal services (UPU's address formats): a street word or
abbreviation before the number on the same line, with at most a house number between; a
five-digit postcode group followed by a capitalised place name; a hyphenated postcode
(US ZIP+4, Brazil's CEP); Japan's 〒; Chinese address units (号, 室, 楼, 栋, 弄 …) right
after it or 邮编/路/街 right before it.
"""

from __future__ import annotations

import re

# Street and premises words, in the languages intake sees. Whole words, except the
# German, Dutch and Nordic ones that end a compound ("Friedrichstraße", "Keizersgracht").
_WORDS = (
    "street", "road", "rd", "avenue", "ave", "av", "boulevard", "blvd", "lane", "ln",
    "drive", "court", "ct", "place", "square", "sq", "terrace", "crescent", "close",
    "highway", "hwy", "parkway", "pkwy", "suite", "ste", "apt", "apartment", "unit",
    "floor", "fl", "building", "bldg", "block", "room", "rm", "box", "p.o.", "po",
    "mews", "row", "wharf", "quay", "estate", "industrial",
    "strasse", "str", "postfach", "rue", "chemin", "allée", "allee", "impasse", "quai",
    "bâtiment", "étage", "calle", "avenida", "paseo", "plaza", "carrer", "piso",
    "via", "viale", "piazza", "corso", "vicolo", "largo", "rua", "travessa", "praça",
    "ulica", "ul", "улица", "ул", "проспект",
)
_SUFFIXES = ("straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer",
             "chaussee", "straat", "laan", "gracht", "plein", "kade", "singel", "gatan",
             "vägen", "gade", "vej", "veien", "gata")
_STREET = re.compile(
    r"(?:(?i:(?<![^\W\d_])(?:" + "|".join(re.escape(w) for w in _WORDS)
    + r")\.?(?![^\W\d_]))"
    r"|(?i:(?:" + "|".join(re.escape(w) for w in _SUFFIXES) + r")(?![^\W\d_]))"
    r"|(?<![^\W\d_])St\.?(?![^\W\d_])"
    r"|(?<![^\W\d_])N(?:o|r|º|°)\.?(?=\s*\d))")
# Chinese and Japanese address units: right before the number ("邮编100022",
# "路1203"), not words away (a "单号" label a sentence earlier is no address).
_CJK_BEFORE = re.compile(r"(?:[路街道巷弄号號〒]|邮编|郵編|邮政编码|丁目|番地)\s*\Z")
# A five-digit postcode group right before a capitalised place name ("10117 Berlin",
# "75001 Paris", "28014 Madrid"): phones do not end in a place name.
_CITY_AFTER = re.compile(r"[ \u00a0]+[A-ZÀ-ÞĀ-Ž][a-zß-ÿā-ž]")
_CJK_AFTER = re.compile(r"\s*[号號室楼樓栋棟弄幢层層单元座]")
# Where the address line ends: a line break, or a full stop after a word of three
# lower-case letters ("Amsterdam. "), which "Str. 12", "No. 88" and "Apt. 5" are not.
_LINE_BREAK = re.compile(r"[\n\r;。！？!?]|(?<=[a-zß-ÿ]{3})\.\s")
# Between a street word and the number: at most a house or unit number ("Straße 12a
# 10115", "Suite 300, 212…" is not: the number after the unit is the candidate).
_GAP = re.compile(r"[\s,.#:º°-]*(?:\d{1,4}[A-Za-z]?[\s,.-]+)?")
# Postcodes written with a hyphen: US ZIP+4, Brazil's CEP, Japan's 〒 (handled below).
_HYPHEN_POSTCODE = re.compile(r"\d{5}-\d{4}|\d{5}-\d{3}")


def in_address(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` (a phone-shaped run) reads as part of an address."""
    value = text[start:end]
    if _HYPHEN_POSTCODE.fullmatch(value):
        return True
    if _CJK_AFTER.match(text, end):
        return True
    last = value.rsplit(None, 1)[-1]
    if len(last) == 5 and last.isdigit() and _CITY_AFTER.match(text, end):
        return True
    return _street_before(text, start)


def _street_before(text: str, start: int, reach: int = 32) -> bool:
    if _CJK_BEFORE.search(text, max(0, start - 5), start):
        return True
    # Searched in place, not in a slice, so a word cut by the window's edge ("ca|rd")
    # is not read as an abbreviation ("rd").
    lo = max(0, start - reach)
    for lo_break in _LINE_BREAK.finditer(text, lo, start):
        lo = lo_break.end()
    last = None
    for last in _STREET.finditer(text, lo, start):  # noqa: B007
        pass
    return last is not None and _GAP.fullmatch(text, last.end(), start) is not None
