"""E-mail addresses, phone numbers, IP addresses and URLs."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers

from trustdesk.pii.recognizers.base import (
    NOT_BEFORE_ALNUM,
    REFERENCE_WORDS,
    Context,
    PatternRecognizer,
    ScanOptions,
)
from trustdesk.pii.validators import payment_card


class EmailRecognizer(PatternRecognizer):
    """local@domain.tld. Found from each "@" outwards: a regex that starts with the local
    part would try every word of the text as the start of an address."""

    name = "email"
    entities = ("EMAIL_ADDRESS",)
    score = 1.0
    needles = ("@",)
    pattern = re.compile("@")
    # ASCII local part and TLD: Chinese text glues addresses to the words around them
    # ("邮箱ada@example.cn谢谢"); domain labels may be internationalized.
    _domain = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}[A-Za-z]{2,24}"
                         r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9])")
    _local = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}\Z")

    def find(self, text: str, opts: ScanOptions):
        for at in self.pattern.finditer(text):
            i = at.start()
            domain = self._domain.match(text, i + 1)
            if domain is None:
                continue
            local = self._local.search(text, max(0, i - 65), i)
            if local is None or (local.start() == i - 65):
                continue  # no local part, or one longer than 64 characters
            part = local.group()
            if part.startswith(".") or part.endswith(".") or ".." in part:
                continue
            yield self.finding(local.start(), domain.end(), self.score)


_PHONE_WORDS = ("phone", "phones", "tel", "telephone", "mobile", "cell", "cellphone",
                "call", "called", "calling", "call me", "text me", "sms", "whatsapp", "fax",
                "reach me", "contact", "ph", "mob", "landline", "hotline",
                "电话", "手机", "联系", "致电", "telefon", "handy", "téléphone", "portable",
                "teléfono", "móvil")
# Numbers after these are references, not phones, unless a phone word is nearer.
_NOT_PHONE_WORDS = (*REFERENCE_WORDS, "id", "account", "acct", "version", "build")


class PhoneRecognizer(PatternRecognizer):
    """Phone-shaped runs of digits, validated by ``phonenumbers`` for the scan's
    regions (international numbers with + or 00 are validated for any region).

    Confidence follows the shape: +international 0.85, national with separators 0.7, a
    bare run of digits only with a phone word nearby. Dates, dotted quads, SSN-shaped
    3-2-4 runs and runs labelled "order", "invoice", "tracking"… are refused; a label
    applies to the next number only, and the nearer of a phone word and a reference word
    wins. A labelled run that is not one valid number ("555-123-4567 555-987-6543", or
    a number with "22 items" after it) is searched with ``PhoneNumberMatcher``."""

    name = "phone"
    entities = ("PHONE_NUMBER",)
    context = Context(_PHONE_WORDS, before=32)
    negative = Context(_NOT_PHONE_WORDS, before=24)
    pattern = re.compile(
        r"[+(\d](?<![0-9A-Za-z+/.:_(-][+(\d])(?:(?<=\()\+)?(?:[\d()\- \u00a0]|\.(?=\d)){5,25}\d"
        + NOT_BEFORE_ALNUM + r"(?![/:]\d|[.-]\d)")
    _head = re.compile(r"\(?\+?\(?\d")
    _groups = re.compile(r"[ \u00a0]+")
    _fours = re.compile(r"\d{4}(?:[ \u00a0]\d{4}){2,}(?:[ \u00a0]\d{1,4})?")
    _date = re.compile(r"\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}")
    _date_first = re.compile(  # "2023-11-18 24 items": a date, then a count
        r"(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
        r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2})(?!\d)")
    _dotted = re.compile(r"\d{1,3}(?:\.\d{1,3}){2,3}")
    _ssn = re.compile(r"\d{3}-\d{2}-\d{4}")
    _digit = re.compile(r"\d")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            raw = m.group()
            if not self._head.match(raw):
                continue
            yield from self._numbers(text, raw, m.start(), opts, split=True)

    def _numbers(self, text, raw, start, opts, *, split):
        digits = len(self._digit.findall(raw))
        if digits < 7 or self._date.fullmatch(raw) or self._dotted.fullmatch(raw) \
                or self._ssn.fullmatch(raw) or self._date_first.match(raw) \
                or payment_card(raw):
            return  # payment cards: the card recognizer's, and costly to parse everywhere
        near = self.context.label_distance(text, start)
        far = self.negative.label_distance(text, start)
        labelled = near is not None and (far is None or near < far)
        # A bare run of digits, or one labelled "order"/"invoice" …, is not a phone.
        allowed = labelled or (not raw.isdigit() and far is None)
        if allowed and digits <= 15 and _parse_valid(raw, opts.regions) is not None:
            yield self.finding(start, start + len(raw), _score(raw, labelled))
            return
        if not split:
            return
        # Several numbers in one labelled run ("555-123-4567 555-987-6543").
        matched = list(self._matched(raw, opts)) if labelled and digits >= 9 else []
        if len(matched) > 1:
            for s, e, part in matched:
                yield self.finding(start + s, start + e, _score(part, labelled))
            return
        # Another number glued on by a space ("+1 201-559-9956 17 items",
        # "order 2971836795 06 12 34 56 78"): try without the last, then the first group,
        # when that group looks like a number of its own (short count, long reference,
        # differently formatted) and the run is not card- or IBAN-shaped groups of four.
        cuts = [g.span() for g in self._groups.finditer(raw)]
        if not cuts or self._fours.fullmatch(raw):
            return
        first, last = raw[:cuts[0][0]], raw[cuts[-1][1]:]
        tries = []
        if last.isdigit() and (len(last) <= 3 or len(last) >= 6):
            tries.append((0, cuts[-1][0]))
        if len(first) >= 6 or "-" in first or "." in first:
            tries.append((cuts[0][1], len(raw)))
        for s, e in tries:
            part = raw[s:e]
            if self._head.match(part):
                found = list(self._numbers(text, part, start + s, opts, split=False))
                if found:
                    yield from found
                    return
        for s, e, part in matched:
            yield self.finding(start + s, start + e, _score(part, labelled))

    def _matched(self, raw, opts):
        international = raw[0] == "+" or raw.startswith("00")
        for region in (None, *opts.regions) if international else opts.regions:
            found = list(phonenumbers.PhoneNumberMatcher(raw, region or "ZZ"))
            if found:
                for pm in found:
                    yield pm.start, pm.end, pm.raw_string
                return


def _score(raw: str, labelled: bool) -> float:
    if raw[0] == "+" or raw.startswith("00"):
        score = 0.85
    elif raw.isdigit():
        score = 0.6  # only reached when labelled
    else:
        score = 0.7
    return score + 0.1 if labelled else score


def _parse_valid(raw: str, regions: tuple[str, ...]):
    candidates = (None,) if raw.lstrip("(")[0] == "+" else regions
    if raw.startswith("00"):
        raw, candidates = "+" + raw[2:], (None,)
    for region in candidates:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


_CN_MOBILE_PREFIXES = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])")


class CnMobileRecognizer(PatternRecognizer):
    """Mainland China mobile numbers (11 digits from 13x–19x, optional +86), whatever
    the scan's regions: Chinese text glues them to the words around them
    ("手机13812345678"), which the generic phone candidate would not pick up."""

    name = "cn_mobile"
    entities = ("PHONE_NUMBER",)
    score = 0.8
    context = Context(_PHONE_WORDS, before=16)
    pattern = re.compile(
        r"1(?:(?<![0-9A-Za-z]1)|(?<=86 1)|(?<=86-1)|(?<=\+861)|(?<=[^0-9]00861)|(?<=^00861))"
        r"[3-9]\d(?P<sep>[ -]?)\d{4}(?P=sep)\d{4}" + NOT_BEFORE_ALNUM)
    _country = re.compile(r"(?<![0-9A-Za-z])(?:\+|00)?86[ -]?\Z")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            start = m.start()
            if not _CN_MOBILE_PREFIXES.match(text, start):
                continue
            prefix = self._country.search(text, max(0, start - 6), start)
            if prefix is not None:
                start = prefix.start()
            yield self.finding(start, m.end(), self.boosted(text, start, self.score))


class IpAddressRecognizer(PatternRecognizer):
    """IPv4 dotted quads and IPv6 addresses, checked by ``ipaddress`` (no leading zeros,
    octets ≤ 255). A quad after "version" or "build" is a version number. IPv6 is found
    from its colons outwards, as e-mail is from its "@"."""

    name = "ip_address"
    entities = ("IP_ADDRESS",)
    score = 0.95
    negative = Context(("version", "ver", "build", "release", "firmware", "v", "rev"),
                       before=12)
    # ASCII edges: Chinese text glues addresses to words ("IP地址72.6.78.88").
    pattern = re.compile(
        r"\d(?<![0-9A-Za-z_.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![0-9A-Za-z_]|\.\d)")
    _colons = re.compile(r":[0-9A-Fa-f]{0,4}:")
    _left = re.compile(r"[0-9A-Fa-f:]{0,40}\Z")
    _right = re.compile(r"(?:[0-9A-Fa-f]{0,4}:)*(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            start = m.start()
            if self.negative.label_distance(text, start) is None and _is_ip(m.group()):
                yield self.finding(start, m.end(), self.score)
        if ":" in text:
            yield from self._v6(text)

    def _v6(self, text: str):
        done = 0
        for m in self._colons.finditer(text):
            if m.start() < done:
                continue
            left = self._left.search(text, max(0, m.start() - 40), m.start())
            start = left.start()
            end = self._right.match(text, m.start()).end()
            done = end
            if (start and _ascii_word(text[start - 1], "_.:")) or (
                    end < len(text) and _ascii_word(text[end], "_")):
                continue
            value = text[start:end]
            if value.endswith(":") and not value.endswith("::"):
                value = value.rstrip(":")
            if sum(c != ":" for c in value) >= 3 and _is_ip(value):
                yield self.finding(start, start + len(value), self.score)


def _ascii_word(c: str, extra: str) -> bool:
    return (c.isascii() and c.isalnum()) or c in extra


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class UrlRecognizer(PatternRecognizer):
    """http(s)/ftp URLs and www. addresses. Trailing punctuation belongs to the sentence,
    a closing bracket only if the URL opened one."""

    name = "url"
    entities = ("URL",)
    score = 0.6
    needles_ci = ("http", "www.", "ftp:")
    pattern = re.compile(
        r"[hHfFwW](?:(?<=[hH])(?i:ttps?://)|(?<=[fF])(?i:tp://)|(?<![\w.@/].)(?<=[wW])(?i:ww\.))"
        r"[^\s<>\"'`\u3000-\u303f\uff00-\uffef]+")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            value = m.group()
            while value and value[-1] in ".,;:!?'\"":
                value = value[:-1]
            for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
                while value.endswith(close) and value.count(close) > value.count(open_):
                    value = value[:-1]
            host = value.split("://", 1)[-1].split("/", 1)[0]
            if "." not in host:
                continue  # localhost, intranet names: not somebody's address
            yield self.finding(m.start(), m.start() + len(value), self.score)
