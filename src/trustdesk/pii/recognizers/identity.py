"""Government identifiers and dates of birth."""

from __future__ import annotations

import re

from trustdesk.pii import validators as v
from trustdesk.pii.recognizers.base import (
    DIGIT_START,
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    AnchoredRecognizer,
    Context,
    PatternRecognizer,
    words_regex,
)

_SSN_WORDS = ("ssn", "ss#", "ss #", "social security", "social security number",
              "social sec", "soc sec", "taxpayer id", "tin")


class UsSsnRecognizer(PatternRecognizer):
    """AAA-GG-SSSS (dashes or spaces, the same both times). Area 000, 666 and 9xx, group
    00 and serial 0000 are never issued; the published specimen numbers are refused."""

    name = "us_ssn"
    entities = ("US_SSN",)
    score = 0.85
    context = Context(_SSN_WORDS)
    context_boost = 0.1
    pattern = re.compile(DIGIT_START + r"(?<![-.]\d)\d{2}(?P<sep>[- ])\d{2}(?P=sep)\d{4}"
                         + NOT_BEFORE_ALNUM + r"(?![-.]\d)")

    def accept(self, text, m, start, end, opts):
        return self.boosted(text, start, self.score) if v.us_ssn(m.group()) else None


class UsSsnBareRecognizer(AnchoredRecognizer):
    """Nine digits in a row are an SSN only when labelled as one; otherwise they are
    as likely an order or tracking number."""

    name = "us_ssn_labelled"
    entities = ("US_SSN",)
    score = 0.8
    needles_ci = ("ss", "social", "soc", "tin", "taxpayer")
    anchor = words_regex(_SSN_WORDS)
    value = re.compile(r"[^\n\d]{0,20}?" + NOT_AFTER_ALNUM + r"(?P<value>\d{9})"
                       + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        return self.score if v.us_ssn(m.group("value")) else None


class CnResidentIdRecognizer(PatternRecognizer):
    """PRC resident identity card number: 18 characters, province code, birth date, and
    the ISO 7064 MOD 11-2 check character (which may be X)."""

    name = "cn_resident_id"
    entities = ("CN_RESIDENT_ID",)
    score = 1.0
    pattern = re.compile(
        DIGIT_START
        + r"(?<=[1-8])\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
        + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        return self.score if v.cn_resident_id(m.group()) else None


class PassportRecognizer(AnchoredRecognizer):
    """A passport number (one or two letters then 6–9 digits, or 9 digits) after the
    word passport in one of several languages. Entity ``PASSPORT``; ``US_PASSPORT`` is
    accepted as an alias when selecting entities."""

    name = "passport"
    entities = ("PASSPORT",)
    score = 0.8
    needles_ci = ("pass", "护照", "reisepass", "pasaporte")
    anchor = words_regex(("passport", "passport number", "passport no", "护照", "护照号",
                          "护照号码", "reisepass", "passeport", "pasaporte"))
    value = re.compile(r"[^\n\d]{0,24}?" + NOT_AFTER_ALNUM
                       + r"(?P<value>[A-Z]{1,2}\d{6,8}|\d{9})" + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        return self.score if v.not_repeated(m.group("value")) else None


class DriverLicenseRecognizer(AnchoredRecognizer):
    """A licence number after "driver's license", "driving licence", "DL#" or 驾驶证:
    US state formats (letters then digits, dashes allowed) and the UK's 16 characters.
    Entity ``DRIVER_LICENSE``; ``US_DRIVER_LICENSE`` is accepted as an alias."""

    name = "driver_license"
    entities = ("DRIVER_LICENSE",)
    score = 0.75
    needles_ci = ("licen", "dl", "驾驶证", "驾照", "führerschein")
    anchor = words_regex(("driver's license", "drivers license", "driver license",
                          "driver's licence", "driving licence", "driving license",
                          "licence number", "license number", "license no", "dl#",
                          "dl #", "dl no", "dl number", "驾驶证", "驾驶证号", "驾照",
                          "führerschein"))
    value = re.compile(
        r"[^\n\d]{0,24}?" + NOT_AFTER_ALNUM
        + r"(?P<value>[A-Z]{5}\d{6}[A-Z0-9]{2}\d[A-Z]{2}|[A-Z]{0,3}\d[\d-]{4,16}\d|\d{12})"
        + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        value = m.group("value")
        if sum(c.isdigit() for c in value) < 5 or "--" in value:
            return None
        return self.score


_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
           r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_NUMBER = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}


class DateOfBirthRecognizer(AnchoredRecognizer):
    """A date right after "DOB", "date of birth", "born", "出生日期"…: a date alone is
    not personal data (it may be an order date), a birth date is."""

    name = "date_of_birth"
    entities = ("DATE_TIME",)
    score = 0.85
    needles_ci = ("dob", "d.o.b", "birth", "born", "出生", "生日", "geb", "né", "naissance",
                  "nacimiento")
    anchor = words_regex(("dob", "d.o.b.", "date of birth", "birth date", "birthdate",
                          "birthday", "born", "born on", "出生日期", "出生年月", "出生于",
                          "生日", "geboren", "geburtsdatum", "né le", "née le",
                          "date de naissance", "fecha de nacimiento"))
    value = re.compile(
        r"[^\n\d]{0,16}?(?<![0-9A-Za-z])(?P<value>"
        r"(?P<ymd>(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2}))"
        r"|(?P<cjk>(?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?)"
        r"|(?P<dmy>(?P<a3>\d{1,2})[-/.](?P<b3>\d{1,2})[-/.](?P<y3>\d{4}|\d{2}))"
        r"|(?P<dmony>(?P<d4>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon4>" + _MONTHS
        + r"),?\s+(?P<y4>\d{4}))"
        r"|(?P<mondy>(?P<mon5>" + _MONTHS + r")\s+(?P<d5>\d{1,2})(?:st|nd|rd|th)?,?\s+"
        r"(?P<y5>\d{4}))"
        r")(?![0-9])",
        re.IGNORECASE)

    def accept(self, text, m, start, end, opts):
        g = m.group
        if g("ymd"):
            ok = v.plausible_birth_date(int(g("y1")), int(g("m1")), int(g("d1")))
        elif g("cjk"):
            ok = v.plausible_birth_date(int(g("y2")), int(g("m2")), int(g("d2")))
        elif g("dmy"):
            y = int(g("y3"))
            y = y if y > 99 else 1900 + y
            a, b = int(g("a3")), int(g("b3"))
            ok = v.plausible_birth_date(y, b, a) or v.plausible_birth_date(y, a, b)
        elif g("dmony"):
            ok = v.plausible_birth_date(int(g("y4")), _month(g("mon4")), int(g("d4")))
        else:
            ok = v.plausible_birth_date(int(g("y5")), _month(g("mon5")), int(g("d5")))
        return self.score if ok else None


def _month(name: str) -> int:
    return _MONTH_NUMBER[name[:3].lower()]
