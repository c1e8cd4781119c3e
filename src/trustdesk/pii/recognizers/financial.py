"""Payment cards, IBANs, US bank account and routing numbers."""

from __future__ import annotations

import re

from trustdesk.pii import validators as v
from trustdesk.pii.recognizers.base import (
    DIGIT_START,
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    REFERENCE_WORDS,
    AnchoredRecognizer,
    Context,
    PatternRecognizer,
    ScanOptions,
    words_regex,
)

_CARD_CONTEXT = ("card", "card number", "credit card", "debit card", "credit", "debit",
                 "visa", "mastercard", "amex", "cc", "pan", "卡号", "信用卡", "银行卡",
                 "karte", "kartennummer", "kreditkarte", "carte", "carte bancaire",
                 "tarjeta", "número de tarjeta")


class CreditCardRecognizer(PatternRecognizer):
    """13–19 digits, bare or in 4-4-4-4(-3) / 4-6-5 / 4-6-4 groups with one consistent
    separator (space, dash or dot). Valid only if the issuer range and length fit and the
    Luhn check passes, so order numbers and Luhn-invalid numbers are not cards.

    Further rules, each from a false positive seen in practice: four groups inside a
    longer grouped number (a 22-digit parcel tracking number, an IBAN) are not a card;
    13-digit Visa numbers are no longer issued, so 13 digits (an EAN-13 barcode) count
    only with a card word nearby; and a rejected candidate does not swallow the start of
    a real card right after it ("066-41-0764 4951 4003 2359 8626")."""

    name = "credit_card"
    entities = ("CREDIT_CARD",)
    score = 0.95
    context = Context(_CARD_CONTEXT)
    pattern = re.compile(
        DIGIT_START
        + r"(?:\d{12,18}"
        r"|\d{3}(?P<s1>[ .-])\d{4}(?P=s1)\d{4}(?P=s1)\d{4}(?P<tail>(?P=s1)\d{3})?"
        r"|\d{3}(?P<s3>[ .-])\d{6}(?P=s3)\d{4,5})"
        + NOT_BEFORE_ALNUM)
    # A four-character group (digits or an IBAN's letters) before, or four digits after,
    # joined by the same separator: the card-shaped part of something longer.
    _group_before = re.compile(r"(?<![0-9A-Za-z.-])[0-9A-Z]{4}(?P<sep>[ .-])\Z")
    _group_after = re.compile(r"(?P<sep>[ .-])\d{4}(?!\d)")
    # "订单号340623215235019": labelled as an order number, it is one.
    reference = Context(REFERENCE_WORDS, before=12)

    def find(self, text: str, opts: ScanOptions):
        pos = 0
        while (m := self.pattern.search(text, pos)) is not None:
            span = self._valid_span(text, m)
            if span is None:
                pos = m.start() + 1
                continue
            start, end = span
            pos = end
            labelled = self.context.near(text, start)
            if end - start == 13 and not labelled:
                continue
            if not labelled and self.reference.label_distance(text, start) is not None:
                continue
            yield self.finding(start, end, self.score + (self.context_boost if labelled
                                                         else 0.0))

    def _valid_span(self, text: str, m: re.Match) -> tuple[int, int] | None:
        start, end = m.span()
        sep = m.group("s1") or m.group("s3")
        if sep:
            before = self._group_before.search(text, max(0, start - 6), start)
            if before is not None and before.group("sep") == sep:
                return None
        if not v.payment_card(m.group()):
            # "4111 1111 1111 1111 123": the CVV was read as a 19-digit tail.
            if m.group("tail") is None:
                return None
            end = m.start("tail")
            if not v.payment_card(text[start:end]):
                return None
        elif sep:
            after = self._group_after.match(text, end)
            if after is not None and after.group("sep") == sep:
                return None
        return start, end


class IbanRecognizer(PatternRecognizer):
    """Country code, two check digits, then the BBAN, bare or in groups of four. The
    length must match the country's and mod-97 must give 1. A match that runs on into
    the next word ("… 00 BIC COBADEFF") is cut back to the country's length."""

    name = "iban"
    entities = ("IBAN_CODE",)
    score = 1.0
    pattern = re.compile(
        r"[A-Z](?<![0-9A-Za-z][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"
        + NOT_BEFORE_ALNUM)

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            start, end = m.span()
            want = v.IBAN_LENGTHS.get(m.group()[:2])
            if want is None:
                continue
            end = _end_after_alnum(text, start, end, want)
            if end is not None and v.iban(text[start:end]):
                yield self.finding(start, end, self.score)


def _end_after_alnum(text: str, start: int, end: int, count: int) -> int | None:
    seen = 0
    for i in range(start, end):
        if text[i] != " ":
            seen += 1
            if seen == count:
                return i + 1
    return None


class BankAccountRecognizer(AnchoredRecognizer):
    """8–17 digits right after "account number", "acct", "checking"…: without the label
    a bank account number is indistinguishable from any other number."""

    name = "us_bank_account"
    entities = ("US_BANK_NUMBER",)
    score = 0.75
    needles_ci = ("acc", "a/c", "checking", "savings", "账", "konto")
    anchor = words_regex(("account number", "account no", "account #", "account",
                          "acct", "a/c", "checking", "savings", "bank account",
                          "账号", "账户", "帐号", "kontonummer", "konto"))
    value = re.compile(r"[^\n\d]{0,24}?" + NOT_AFTER_ALNUM + r"(?P<value>\d{8,17})"
                       + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        return self.score if v.not_repeated(m.group("value")) else None


class AbaRoutingRecognizer(AnchoredRecognizer):
    """Nine digits after "routing", "ABA" or "RTN", with the ABA checksum."""

    name = "aba_routing"
    entities = ("ABA_ROUTING_NUMBER",)
    score = 0.9
    needles_ci = ("routing", "aba", "rtn", "transit")
    anchor = words_regex(("routing number", "routing", "aba", "rtn", "transit number"))
    value = re.compile(r"[^\n\d]{0,20}?" + NOT_AFTER_ALNUM
                       + r"(?P<value>\d{9}|\d{4}-\d{4}-\d)" + NOT_BEFORE_ALNUM)

    def accept(self, text, m, start, end, opts):
        return self.score if v.aba_routing(m.group("value")) else None
