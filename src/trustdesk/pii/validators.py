"""Checksums and shape rules that turn "looks like" into "is". Each is a pure function of
the matched string; ``VALIDATORS`` names the ones a custom YAML recognizer may use."""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from collections.abc import Callable

from trustdesk.pii import issuers

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


_NOT_DIGIT = re.compile(r"\D")


def digits_of(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def luhn(value: str) -> bool:
    d = digits_of(value)
    if len(d) < 2:
        return False
    odd = sum(map(int, d[-1::-2]))
    even = sum(_DOUBLED[int(c)] for c in d[-2::-2])
    return (odd + even) % 10 == 0


def card_issuer(d: str) -> str | None:
    """The scheme whose published issuer range and length ``d`` (digits only) fits, or
    None (see ``issuers``). Lengths are what stop a 17-digit number that starts with 4
    from passing as Visa."""
    row = issuers.issuer(d)
    return row.scheme if row is not None else None


def payment_card(value: str) -> bool:
    d = digits_of(value)
    return card_issuer(d) is not None and luhn(d) and len(set(d)) > 1


# Per-country IBAN length (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}


def iban(value: str) -> bool:
    s = "".join(value.split()).upper()
    if IBAN_LENGTHS.get(s[:2]) != len(s) or not s[2:4].isdigit() or not s.isalnum():
        return False
    if not 2 <= int(s[2:4]) <= 98:
        return False  # check digits 00, 01 and 99 are never issued
    if not s.isascii():
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


_ABA_PREFIXES = {*range(0, 13), *range(21, 33), *range(61, 73), 80}


def aba_routing(value: str) -> bool:
    d = digits_of(value)
    if len(d) != 9 or int(d[:2]) not in _ABA_PREFIXES or len(set(d)) == 1:
        return False
    n = list(map(int, d))
    return (3 * (n[0] + n[3] + n[6]) + 7 * (n[1] + n[4] + n[7]) + n[2] + n[5] + n[8]) % 10 == 0


# Published as examples, in wallets and advertisements: never anybody's number.
_FAKE_SSNS = {"078051120", "219099999", "123456789", "457555462"}


def us_ssn(value: str) -> bool:
    d = digits_of(value)
    if len(d) != 9 or d in _FAKE_SSNS or len(set(d)) == 1:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"
_CN_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}


def cn_resident_id(value: str) -> bool:
    """18-character PRC resident identity number: province code, a real birth date and
    the ISO 7064 MOD 11-2 check character."""
    s = value.upper()
    if len(s) != 18 or not s[:17].isdigit() or int(s[:2]) not in _CN_PROVINCES:
        return False
    if not plausible_birth_date(int(s[6:10]), int(s[10:12]), int(s[12:14])):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11] == s[17]


def plausible_birth_date(year: int, month: int, day: int) -> bool:
    try:
        born = _dt.date(year, month, day)
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= born <= _dt.date.today()


def ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def not_repeated(value: str) -> bool:
    """Rejects "0000000" and "1111-1111": placeholders, not identifiers."""
    chars = {c for c in value if c.isalnum()}
    return len(chars) > 1


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "payment_card": payment_card,
    "iban": iban,
    "aba_routing": aba_routing,
    "us_ssn": us_ssn,
    "cn_resident_id": cn_resident_id,
    "ip_address": ip_address,
    "not_repeated": not_repeated,
}
