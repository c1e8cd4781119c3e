"""Government identifiers (dates of birth: ``dates``)."""

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
    # Not a run of more groups with the same separator ("012 12 3428 04" is a phone).
    pattern = re.compile(DIGIT_START + r"(?<![-.]\d)\d{2}(?P<sep>[- ])\d{2}(?P=sep)"
                         r"\d{4}" + NOT_BEFORE_ALNUM + r"(?![-.]\d)(?!(?P=sep)\d)")

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
