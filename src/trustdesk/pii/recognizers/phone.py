"""Phone numbers: the numbering plans come from ``phonenumbers`` (Google's libphonenumber
metadata), the candidates from one cheap regex, and street addresses are told apart by
their context (``address``)."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

# The matcher's own verification step (valid number, "x" only as an extension, trunk
# prefix present where the region's plan requires it). Not exported by the package,
# which is pinned in requirements/base.lock; tests/pii/test_detection_phone.py fails if
# an upgrade changes it.
from phonenumbers.phonenumbermatcher import _verify

from trustdesk.pii.recognizers import address_context
from trustdesk.pii.recognizers.base import (
    NOT_BEFORE_ALNUM,
    REFERENCE_WORDS,
    Context,
    PatternRecognizer,
    ScanOptions,
)
from trustdesk.pii.validators import payment_card

_PHONE_WORDS = ("phone", "phones", "phone number", "tel", "tel.", "telephone", "mobile",
                "cell", "cellphone", "call", "called", "calling", "call me", "text me",
                "sms", "whatsapp", "fax", "reach me", "contact", "ph", "mob", "landline",
                "hotline", "switchboard", "office line", "direct line", "电话", "手机",
                "手机号", "联系", "致电", "座机", "电话号码", "telefon", "telefonnummer",
                "handy", "mobil", "téléphone", "tél", "portable", "numéro", "teléfono",
                "móvil", "celular", "telefono", "cellulare", "telefone", "telefoon",
                # "my number is …"; "number" alone may be any number, and the
                # compounds below ("order number", "card number") are other numbers.
                "my number", "our number", "meine nummer", "mon numéro", "mi número")
# Numbers after these are references, not phones, unless a phone word is nearer.
_NOT_PHONE_WORDS = (*REFERENCE_WORDS, "id", "account", "acct", "version", "build", "zip",
                    "zip code", "postcode", "post code", "postal code", "plz",
                    "code postal", "código postal", "cap", "邮编", "邮政编码",
                    *(f"{w} number" for w in (
                        "card", "account", "customer", "member", "policy", "serial",
                        "model", "part", "reference", "invoice", "ticket", "case", "id",
                        "confirmation", "booking", "transaction", "passport", "license",
                        "licence", "routing", "social security", "tax", "vat", "item",
                        "product", "shipment", "parcel", "claim", "contract", "patient")),
                    "kundennummer", "rechnungsnummer", "bestellnummer", "auftragsnummer",
                    "kartennummer", "kontonummer", "订单号码", "卡号码")
# An extension written after the number: "x123", "ext. 123", "extension 12", "#123",
# "转123", "分机 12", "Durchwahl 12", "poste 12". Kept in the finding's span.
_EXTENSION = re.compile(
    r"[ \u00a0]*,?[ \u00a0]*(?:(?i:ext(?:ension|n)?|durchwahl|dw|poste|anexo|interno)\.?"
    r"[ \u00a0]*:?|[xX#]|转|分机|內線|内线)[ \u00a0]*\d{1,6}" + NOT_BEFORE_ALNUM)


_SLASH = ("(?:" + "|".join(f"(?<=(?<!\\d)0\\d{{{n}}})" for n in range(1, 6))
          + r"|(?<=\d ))/(?= ?\d)")


class PhoneRecognizer(PatternRecognizer):
    """Phone-shaped runs of digits, given the check ``PhoneNumberMatcher`` makes at
    leniency VALID for the scan's regions (international numbers with + or 00 for any
    region):
    the number must be valid in that region's numbering plan, and written with the
    national trunk prefix where the region's plan requires it, which is what a German
    or French number always has and a house number or postcode never does. A trunk
    prefix in parentheses ("+44 (0)20 …") and an extension after the number ("x123",
    "ext. 12", "#123", "转123") are part of it.

    Confidence follows the shape: +international 0.85, national with separators 0.7, a
    bare run of digits only with a phone word nearby. Dates, dotted quads, SSN-shaped
    3-2-4 runs and runs labelled "order", "invoice", "tracking", "postcode"… are refused;
    a label applies to the next number only, and the nearer of a phone word and a
    reference word wins. An unlabelled national number that stands in a street address
    (``address_context.in_address``) is refused. A labelled run that is not one valid number
    ("555-123-4567 555-987-6543", or a number with "22 items" after it) is split."""

    name = "phone"
    entities = ("PHONE_NUMBER",)
    context = Context(_PHONE_WORDS, before=32)
    negative = Context(_NOT_PHONE_WORDS, before=24)
    pattern = re.compile(
        # Not glued to a word, a number or a path; after a colon only when a label ends
        # there ("Tel.:030…", "tel:+1…"), not a time's minutes ("12:30").
        r"[+(\d](?<![0-9A-Za-z+/._(-][+(\d])(?<!\d:[+(\d])(?:(?<=\()\+)?"
        # "/" only after an area code with its trunk 0 ("030/1234567", "0 30 / 1234").
        r"(?:[\d()\- \u00a0]|\.(?=\d)|" + _SLASH + r"){5,25}\d"
        r"(?![0-9A-WYZa-wyz]|[xX](?!\d))(?![/:]\d|[.-]\d)")
    _head = re.compile(r"\(?\+?\(?\d")
    _card_head = re.compile(r"\d{4}(?P<s>[ .-])\d{4}(?P=s)\d{4}(?P=s)\d{1,4}(?= )"
                            r"|\d{4}(?P<t>[ .-])\d{6}(?P=t)\d{4,5}(?= )")
    _groups = re.compile(r"[ \u00a0]+")
    _fours = re.compile(r"\d{4}(?:[ \u00a0]\d{4}){2,}(?:[ \u00a0]\d{1,4})?")
    _date = re.compile(r"\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}")
    _date_first = re.compile(  # "2023-11-18 24 items": a date, then a count
        r"(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
        r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2})(?!\d)")
    _dotted = re.compile(r"\d{1,3}(?:\.\d{1,3}){2,3}")
    _ssn = re.compile(r"\d{3}-\d{2}-\d{4}")
    _digit = re.compile(r"\d")
    _year = re.compile(r"(?:19|20)\d\d")

    def find(self, text: str, opts: ScanOptions):
        pos = 0
        while (m := self.pattern.search(text, pos)) is not None:
            raw, pos = m.group(), m.end()
            card = self._card_head.match(raw)
            if card is not None and payment_card(card.group()):
                # "charged to 4200.6474.7327.1722 612 34 58 10": the card is the card
                # recognizer's; a phone may follow it.
                pos = m.start() + card.end()
                continue
            if not self._head.match(raw):
                continue
            ext = _EXTENSION.match(text, m.end())
            for f in self._numbers(text, raw, m.start(), opts, split=True):
                if ext is not None and f.end == m.end():
                    f = self.finding(f.start, ext.end(), f.score)
                yield f

    def _numbers(self, text, raw, start, opts, *, split):
        digits = len(self._digit.findall(raw))
        international = _international(raw)
        if digits < 7 or self._date.fullmatch(raw) or self._dotted.fullmatch(raw) \
                or self._ssn.fullmatch(raw) or self._date_first.match(raw) \
                or (not international and payment_card(raw)):
            return  # payment cards: the card recognizer's, and costly to parse everywhere
        near = self.context.label_distance(text, start)
        far = self.negative.label_distance(text, start)
        labelled = near is not None and (far is None or near < far)
        # A bare run of digits, or one labelled "order"/"invoice" …, is not a phone; nor
        # is an unlabelled national number in a street address.
        allowed = labelled or (not raw.isdigit() and far is None and (
            international or not address_context.in_address(text, start, start + len(raw))))
        if allowed and digits <= 15 and _whole_valid(raw, opts.regions):
            yield self.finding(start, start + len(raw), _score(raw, labelled))
            return
        if not split:
            return
        # Groups of four (a card, an IBAN, a tracking number) are not phones run together.
        if self._fours.fullmatch(raw):
            return
        # Several numbers in one run ("555-123-4567 555-987-6543"): labelled, or made
        # of valid numbers to its last digit.
        matched = []
        if allowed and digits >= 14:
            matched = _partition(raw, opts.regions)
        if not matched and labelled and digits >= 9:
            matched = _matched(raw, opts)
        # An SSN- or date-shaped part is not a phone number: leave it to its recognizer.
        matched = [p for p in matched if not self._ssn.fullmatch(p[2])
                   and not self._date.fullmatch(p[2])]
        if len(matched) > 1:
            for s, e, part in matched:
                yield self.finding(start + s, start + e, _score(part, labelled))
            return
        # Another number glued on by a space ("+1 201-559-9956 17 items",
        # "order 2971836795 06 12 34 56 78"): try without the last, then the first group,
        # when that group looks like a number of its own (short count, long reference,
        # differently formatted, the year that ends a date) and the run is not card- or
        # IBAN-shaped groups of four.
        cuts = [g.span() for g in self._groups.finditer(raw)]
        if not cuts:
            return
        first, last = raw[:cuts[0][0]], raw[cuts[-1][1]:]
        tries = []
        if last.isdigit() and (len(last) <= 3 or len(last) >= 6):
            tries.append((0, cuts[-1][0]))
        if len(first) >= 6 or "-" in first or "." in first or self._year.fullmatch(first):
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


def _international(raw: str) -> bool:
    return raw.lstrip("(")[:1] == "+" or raw.startswith("00")


def _score(raw: str, labelled: bool) -> float:
    if _international(raw):
        score = 0.85
    elif raw.isdigit():
        score = 0.6  # only reached when labelled
    else:
        score = 0.7
    return score + 0.1 if labelled else score


def _as_dialled(raw: str) -> tuple[str, tuple[str | None, ...]]:
    """``raw`` with a 00 international prefix written as "+" (padded to keep offsets),
    and the regions to read it in: any region for an international number."""
    if raw.startswith("00"):
        return " +" + raw[2:], (None,)
    return raw, (None,) if raw.lstrip("(")[:1] == "+" else None


_PLANS: dict[str, tuple[str, re.Pattern]] = {}
_NOT_DIGIT = re.compile(r"\D")


def _plan(region: str) -> tuple[str, re.Pattern]:
    """The region's trunk prefix and the pattern of its national numbers (from the
    numbering-plan metadata): a regex test that rules a region out in a microsecond,
    before the full parse (tens of microseconds) is paid for the regions left."""
    plan = _PLANS.get(region)
    if plan is None:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        plan = (meta.national_prefix or "", re.compile(meta.general_desc.national_number_pattern))
        _PLANS[region] = plan
    return plan


def _plausible_regions(raw: str, regions: tuple[str, ...]):
    digits = _NOT_DIGIT.sub("", raw)
    for region in regions:
        prefix, national = _plan(region)
        if national.fullmatch(digits) or (
                prefix and digits.startswith(prefix)
                and national.fullmatch(digits, len(prefix))):
            yield region


def _whole_valid(raw: str, regions: tuple[str, ...]) -> bool:
    """``raw`` is one number, valid in one of ``regions`` (or, with + or 00, in its own
    country), written as that region's plan allows (trunk prefix where required): the
    check ``PhoneNumberMatcher`` makes at leniency VALID, made on the candidate itself
    rather than by having the matcher search it again."""
    dialled, own = _as_dialled(raw)
    dialled = dialled.strip()
    for region in own or _plausible_regions(raw, regions):
        try:
            number = phonenumbers.parse(dialled, region, keep_raw_input=True)
        except phonenumbers.NumberParseException:
            continue
        if _verify(Leniency.VALID, number, dialled, None):
            return True
    return False


def _partition(raw: str, regions: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``raw`` cut at spaces into whole valid numbers, if it can be: "(506) 234-6874
    07400 123723" is a Canadian and a British number. Every digit must belong to one."""
    tokens = [t.span() for t in _TOKEN.finditer(raw)]

    def solve(k: int) -> list | None:
        if k == len(tokens):
            return []
        for j in range(len(tokens), k, -1):  # the longest number first
            s, e = tokens[k][0], tokens[j - 1][1]
            part = raw[s:e]
            if 7 <= sum(c.isdigit() for c in part) <= 15 and _whole_valid(part, regions):
                rest = solve(j)
                if rest is not None:
                    return [(s, e, part), *rest]
        return None

    return solve(0) or []


_TOKEN = re.compile(r"[^ \u00a0]+")


def _matched(raw: str, opts: ScanOptions) -> list[tuple[int, int, str]]:
    """The valid numbers in ``raw``, each read in the first region that finds it:
    "(506) 234-6874 07400 123723" is a Canadian and a British number."""
    dialled, own = _as_dialled(raw)
    found: list[tuple[int, int, str]] = []
    for region in (None, *opts.regions) if own else opts.regions:
        for pm in PhoneNumberMatcher(dialled, region or "ZZ", leniency=Leniency.VALID):
            if all(pm.end <= s or e <= pm.start for s, e, _ in found):
                found.append((pm.start, pm.end, pm.raw_string))
    return sorted(found)


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
            end = m.end()
            ext = _EXTENSION.match(text, end)
            if ext is not None:
                end = ext.end()
            yield self.finding(start, end, self.boosted(text, start, self.score))
