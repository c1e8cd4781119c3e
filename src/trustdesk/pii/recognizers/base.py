"""The recognizer contract and the two shapes almost every recognizer takes.

A recognizer answers one question for one chunk of text: where are my entities? It may
declare ``needles``, literal strings one of which must occur in the chunk, so the engine
skips it with a C-speed ``in`` test instead of running its regex (most chunks hold no
"-----BEGIN", no "@", no "password").

- ``PatternRecognizer``: one compiled regex over the chunk, then a cheap validator per
  match (checksum, date, issuer range) and optional context words nearby.
- ``AnchoredRecognizer``: for values that mean nothing without a label (a bank account
  is just digits), find the label first and read the value right after it. The costly
  "every 9-digit number" scan never runs on text that has no label.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from trustdesk.pii.findings import Finding

# ASCII alphanumerics only: Python's \b and \w count CJK characters as letters, which
# would hide the number in "卡号4111111111111111".
NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"
NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z])"
_DIGIT = re.compile(r"\d")
# Speed: Python's regex engine skips ahead at C speed only when a pattern *starts* with a
# character set; a leading lookbehind disables that. So patterns consume their first
# character and look behind it afterwards: DIGIT_START is "a digit not glued to a letter
# or digit before it", already consumed (5-10x faster on prose than (?<!…)\d).
DIGIT_START = r"\d(?<![0-9A-Za-z]\d)"


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Per-scan settings every recognizer may read."""

    regions: tuple[str, ...]


def words_regex(words: Iterable[str]) -> re.Pattern:
    """Case-insensitive alternation of whole ``words`` ("ssn" not inside "lessons", "v"
    not the start of "via"); CJK words have no spaces around them, so no edge is asked.
    Multi-word phrases also match with "-" or "_" between words ("date-of-birth")."""
    return lead_regex((w[0], _phrase(w[1:]), w.isascii()) for w in words)


def lead_regex(branches: Iterable[tuple[str, str, bool]]) -> re.Pattern:
    """Alternatives given as (first character, regex for the rest, whole-word?), compiled
    so the pattern starts with one character set (see DIGIT_START for why). The first
    character matches either case; the rest is case-insensitive."""
    groups: dict[str, list[tuple[str, bool]]] = {}
    for first, rest, whole in branches:
        groups.setdefault(first.lower(), []).append((rest, whole))
    firsts, alts = [], []
    for first, rests in groups.items():
        cls = re.escape(first) + (re.escape(first.upper()) if first.upper() != first else "")
        firsts.append(cls)
        parts = []
        # Longest first, so "date of birth" wins over "date".
        for rest, whole in sorted(rests, key=lambda r: len(r[0]), reverse=True):
            edge = (r"(?<![A-Za-z].)", r"(?![A-Za-z])") if whole else ("", "")
            parts.append(edge[0] + rest + edge[1])
        alts.append(f"(?<=[{cls}])(?i:{'|'.join(parts)})")
    return re.compile(f"[{''.join(firsts)}](?:{'|'.join(alts)})")


def _phrase(rest: str) -> str:
    # "date of birth" also matches "date-of-birth" and "date  of birth".
    return r"[\s_-]*".join(re.escape(w) for w in rest.split(" "))


# Words that label a following number as a reference, not personal data ("order no.
# 4111…", "订单号…"). Shared by the number recognizers.
REFERENCE_WORDS = ("order", "orders", "order no", "order number", "order #", "invoice",
                   "ref", "reference", "tracking", "tracking number", "ticket", "case",
                   "isbn", "serial", "sku", "part", "po", "confirmation", "booking",
                   "transaction", "txn", "barcode", "ean", "upc", "usps", "ups", "fedex",
                   "dhl", "awb", "订单", "订单号", "单号", "编号", "快递", "运单", "条码")


class Context:
    """Words that, found shortly before a match, raise confidence in it."""

    def __init__(self, words: Iterable[str], *, before: int = 48) -> None:
        self.words = tuple(words)
        self.regex = words_regex(self.words)
        self.before = before

    def near(self, text: str, start: int) -> bool:
        return self.regex.search(text, max(0, start - self.before), start) is not None

    def label_distance(self, text: str, start: int) -> int | None:
        """Characters from the nearest context word to ``start``, if that word labels
        the value at ``start``: no other number stands between them ("phone +1 555 0100,
        order 123": "phone" labels the first number only)."""
        last = None
        for last in self.regex.finditer(text, max(0, start - self.before), start):  # noqa: B007
            pass
        if last is None or _DIGIT.search(text, last.end(), start):
            return None
        return start - last.end()


class Recognizer(abc.ABC):
    name: str = ""
    entities: tuple[str, ...] = ()
    needles: tuple[str, ...] = ()  # case-sensitive; one must occur in the chunk
    needles_ci: tuple[str, ...] = ()  # the same, against the lower-cased chunk
    priority: int = 0  # set by the registry: registration order

    @abc.abstractmethod
    def find(self, text: str, opts: ScanOptions) -> Iterator[Finding]:
        """Every finding of this recognizer in ``text``."""

    def finding(self, start: int, end: int, score: float, entity: str | None = None
                ) -> Finding:
        return Finding(entity or self.entities[0], start, end, min(score, 1.0), self.name,
                       self.priority)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {'/'.join(self.entities)}>"


class PatternRecognizer(Recognizer):
    """``pattern`` over the chunk; the span is group ``value`` if the pattern has one.
    ``accept`` returns the score of a match, or None to reject it."""

    pattern: re.Pattern
    score: float = 0.5
    context: Context | None = None
    context_boost: float = 0.15

    def find(self, text: str, opts: ScanOptions) -> Iterator[Finding]:
        has_value = "value" in self.pattern.groupindex
        for m in self.pattern.finditer(text):
            start, end = m.span("value") if has_value else m.span()
            score = self.accept(text, m, start, end, opts)
            if score is not None:
                yield self.finding(start, end, score)

    def accept(self, text: str, m: re.Match, start: int, end: int, opts: ScanOptions
               ) -> float | None:
        return self.boosted(text, start, self.score)

    def boosted(self, text: str, start: int, score: float) -> float:
        if self.context is not None and self.context.near(text, start):
            return score + self.context_boost
        return score


class AnchoredRecognizer(Recognizer):
    """A label (``anchor``) followed within a few characters by a value: ``value`` is
    matched at the end of the label and must hold a group named ``value``, e.g.
    ``[\\s:#-]{0,4}(?P<value>\\d{8,17})``. ``accept`` validates the value."""

    anchor: re.Pattern
    value: re.Pattern
    score: float = 0.7

    def find(self, text: str, opts: ScanOptions) -> Iterator[Finding]:
        taken = 0
        for a in self.anchor.finditer(text):
            if a.end() < taken:
                continue
            m = self.value.match(text, a.end())
            if m is None:
                continue
            start, end = m.span("value")
            score = self.accept(text, m, start, end, opts)
            if score is not None:
                taken = end
                yield self.finding(start, end, score)

    def accept(self, text: str, m: re.Match, start: int, end: int, opts: ScanOptions
               ) -> float | None:
        return self.score
