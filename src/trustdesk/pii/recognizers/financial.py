"""Payment cards, IBANs, US bank account and routing numbers."""

from __future__ import annotations

import re

from trustdesk.pii import issuers
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

_CARD_CONTEXT = ("card", "card number", "card no", "credit card", "debit card", "credit",
                 "debit", "visa", "mastercard", "master card", "amex", "american express",
                 "discover", "jcb", "diners", "diners club", "maestro", "unionpay",
                 "union pay", "rupay", "mir card", "troy card", "verve", "uatp", "cc", "pan",
                 "payment", "paid with", "pay with", "charged", "卡号", "信用卡", "银行卡",
                 "银联", "借记卡", "karte", "kartennummer", "kreditkarte", "carte",
                 "carte bancaire", "tarjeta", "número de tarjeta", "cartão", "carta")


class CreditCardRecognizer(PatternRecognizer):
    """12–19 digits, bare or grouped with one consistent separator (space, dash or
    dot): 4-4-4-4, 4-4-4-4-3 and the other groups of four with a shorter last group,
    4-6-5 (Amex) and 4-6-4 (Diners). Valid only if a row of the published issuer table
    fits the prefix and the length (``issuers``) and the Luhn check passes, so order
    numbers and Luhn-invalid numbers are not cards.

    Further rules, each from a false positive seen in practice: four groups inside a
    longer grouped number (a 22-digit parcel tracking number, an IBAN) are not a card;
    12- and 13-digit numbers (Maestro's short cards, withdrawn Visa 13, and the shape of
    EAN-13 barcodes) and UATP's "any 15 digits starting with 1" count only right after a
    card word (no other number between); a rejected candidate does not swallow the start
    of a real card right after it ("066-41-0764 4951 4003 2359 8626"); a CVV written
    after the number is not part of it."""

    name = "credit_card"
    entities = ("CREDIT_CARD",)
    score = 0.95
    context = Context(_CARD_CONTEXT, before=48)
    pattern = re.compile(
        DIGIT_START
        + r"(?:\d{11,18}"
        r"|\d{3}(?P<s1>[ .-])\d{4}(?P=s1)\d{4}"
        r"(?:(?P=s1)\d{4}(?:(?P=s1)\d{1,3})?|(?P=s1)\d{1,3})?"
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
            found = self._valid_span(text, m)
            if found is None:
                pos = m.start() + 1
                continue
            start, end, row = found
            pos = end
            labelled = self.context.near(text, start)
            if (row.weak or len(v.digits_of(text[start:end])) <= 13) and \
                    self.context.label_distance(text, start) is None:
                continue  # short or weak: only right after a card word labels it
            if not labelled and self.reference.label_distance(text, start) is not None:
                continue
            yield self.finding(start, end, self.score + (self.context_boost if labelled
                                                         else 0.0))

    def _valid_span(self, text: str, m: re.Match):
        start, end = m.span()
        sep = m.group("s1") or m.group("s3")
        if sep:
            before = self._group_before.search(text, max(0, start - 6), start)
            if before is not None and before.group("sep") == sep:
                return None
        row = _card(m.group())
        if row is None:
            # "4111 1111 1111 1111 123": a CVV written after the number, read as its
            # last group; try the number without it.
            if not sep or text.count(sep, start, end) < 4:
                return None
            end = text.rindex(sep, start, end)
            row = _card(text[start:end])
            if row is None:
                return None
        elif sep:
            after = self._group_after.match(text, end)
            if after is not None and after.group("sep") == sep:
                return None
        return start, end, row


def _card(value: str):
    d = v.digits_of(value)
    row = issuers.issuer(d)
    if row is None or not v.luhn(d) or len(set(d)) == 1:
        return None
    return row


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
