"""The rule for labels TrustDesk stores and shows in clear (tags, saved views' names and
words): they may not hold personal data, because they are listed to every role that
works tickets and are not sealed or erased with any customer's data.

Refused, with the reason:
- what the PII detector finds (an email address, a phone or card number, …);
- with ``numbers``, six digits or more in a row, whatever single character stands
  between them ("4111x1111…", a date, an account or order number);
- a customer's full name anywhere in the label, in either order of its words, whatever
  the case, accents or apostrophes ("vip-ada-lovelace", "lovelace-ada", "jose-garcia"),
  asked of the keyed name-claim hash: yes or no, never whose;
- a word that mixes alphabets ("аda" with a Cyrillic "а"): how a name slips past.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import transaction

from trustdesk import pii
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers import search_guard
from trustdesk.customers.selectors import customer_named_any

_SEPARATORS = re.compile(r"[-_\s]+")
_WORDS = re.compile(r"[^\W_]+")
_DIGIT_RUN = re.compile(r"\d(?:\D?\d){5,}")
# A card number however it is written: 13-19 digits, any one character between them.
_CARD_RUN = re.compile(r"\d(?:\D?\d){12,18}")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")
# The check asks the name-claim hash as a channel would.
_CHECKER = Actor.system("label check")


class NameInLabel(ValidationError):
    """The label holds a customer's name (or a word that mixes alphabets)."""

    code = "customer_name"


def plain(text: str) -> str:
    """NFKC, lower case, runs of spaces as one "-": the form a tag is stored and looked
    up in, without any check (removing a tag must never depend on today's rules)."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\x00", "")
    return "-".join(text.lower().split())


def readable(text: str) -> str:
    """The text as a reader sees it: NFKC (full-width and other compatibility forms as
    their plain letters and digits), without invisible format characters (zero-width
    spaces, joiners), every kind of space and line break as one space. What is scanned
    must be what is shown."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def luhn_card(text: str) -> bool:
    """Whether ``text`` holds a card number (13-19 digits passing the Luhn check),
    however its digit groups are separated."""
    for run in _CARD_RUN.finditer(readable(text)):
        digits = [int(c) for c in run.group() if c.isdigit()]
        for size in range(min(19, len(digits)), 12, -1):
            for start in range(len(digits) - size + 1):
                if _luhn(digits[start:start + size]):
                    return True
    return False


def _luhn(digits: list[int]) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mixed_script(word: str) -> bool:
    seen = set()
    for c in word:
        if c.isalpha():
            name = unicodedata.name(c, "")
            seen.update(s for s in _SCRIPTS if name.startswith(s))
    return len(seen) > 1


def name_candidates(words: list[str]) -> list[str]:
    """Runs of two and three words, in their order and reversed: where a full name can
    sit inside a label."""
    out = []
    for size in (2, 3):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            out += [" ".join(run), " ".join(reversed(run))]
    return out


def refuse_personal_data(text: str, *, what: str, field: str, numbers: bool = True) -> None:
    """Raise ValidationError if ``text`` holds personal data by the rule above."""
    # Words as the name-claim hash reads them: any punctuation, or an invisible
    # character, between them ("Ada.Lovelace", "Ada\u200bLovelace").
    words = _WORDS.findall("".join(
        " " if unicodedata.category(c) == "Cf" else c
        for c in unicodedata.normalize("NFKC", str(text or ""))))
    text = readable(text)
    spaced = _SEPARATORS.sub(" ", text).strip()
    found = {f.entity for f in pii.scan(spaced)} | {f.entity for f in pii.scan(text)}
    if not found and luhn_card(text):
        found = {"CREDIT_CARD"}
    if found or (numbers and _DIGIT_RUN.search(text)):
        kind = ", ".join(sorted(found)).lower().replace("_", " ") or "a long number"
        raise ValidationError(f"{what}, so it cannot hold personal data (this looks like "
                              f"{kind}).", field=field)
    if any(_mixed_script(w) for w in words):
        raise NameInLabel(f"{what}: a word mixes alphabets (a look-alike letter), "
                              "which is how a name slips past the check.", field=field)
    if customer_named_any(actor=_CHECKER, names_=name_candidates(words)):
        raise NameInLabel(f"{what}, so it cannot hold a customer's name.", field=field)


def check(actor: Actor, texts: Iterable[str], *, what: str, field: str,
          numbers: bool = True) -> None:
    """``refuse_personal_data`` for labels a person is about to store. The check answers
    whether a name is a customer's, so it is counted against the person's customer-search
    limit (``search_guard``: over it, ``RateLimited``), and a refusal for a name is
    audited with the label's keyed hash, never the label. Call outside a transaction: the
    count and the refusal must outlive the refused request."""
    texts = [t for t in texts if t]
    if not texts:
        return
    search_guard.admit(actor=actor, match={"full_name": " ".join(texts)[:200]})
    for text in texts:
        try:
            refuse_personal_data(text, what=what, field=field, numbers=numbers)
        except NameInLabel:
            with transaction.atomic():
                record(actor=actor, action="label.refused", outcome="denied",
                       context={"reason": "customer_name", "field": field,
                                "searched": search_guard.searched_hashes(
                                    {"full_name": _SEPARATORS.sub(" ", text)})})
            raise
