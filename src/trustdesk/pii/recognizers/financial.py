"""Payment cards, IBANs, US bank account and routing numbers."""

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
    ScanOptions,
    words_regex,
)

_CARD_CONTEXT = ("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan",
                 "卡号", "信用卡", "银行卡", "karte", "carte", "tarjeta")


class CreditCardRecognizer(PatternRecognizer):
    """13–19 digits, bare or in 4-4-4-4(-3) / 4-6-5 / 4-6-4 groups with one consistent
    separator (space, dash or dot). Valid only if the issuer range and length fit and the
    Luhn check passes, so order numbers and Luhn-invalid numbers are not cards."""

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

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            start, end = m.span()
            if not v.payment_card(m.group()):
                # "4111 1111 1111 1111 123": the CVV was read as a 19-digit tail.
                if m.group("tail") is None:
                    continue
                end = m.start("tail")
                if not v.payment_card(text[start:end]):
                    continue
            yield self.finding(start, end, self.boosted(text, start, self.score))


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
