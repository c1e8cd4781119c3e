"""The scanner: runs the selected recognizers over text, settles overlaps, and does so
in overlapping windows so that a 50 MB paste costs the memory of one window.

Windows: each holds ``chunk`` characters that are final plus ``overlap`` characters of
look-ahead. A finding that starts in the final part is emitted, even if it ends in the
look-ahead (so a card number straddling a window edge is found whole); one that starts
in the look-ahead is left for the next window, which also re-reads ``margin`` characters
before its first final position so context words ("password:") stay visible. The
overlap bounds the longest finding (a private-key block) the windows can see whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TextIO

import phonenumbers

from trustdesk.pii.errors import UnknownEntity
from trustdesk.pii.findings import Finding, resolve_overlaps
from trustdesk.pii.fold import fold
from trustdesk.pii.ner import NER_ENTITIES, NerBackend, default_backend
from trustdesk.pii.recognizers import Recognizer, ScanOptions
from trustdesk.pii.registry import Registry

# Phone regions tried for numbers written without +country code, when no locale is given.
DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "CN", "IN", "CA", "AU", "ES", "IT", "NL")
_LANGUAGE_REGION = {"en": "US", "de": "DE", "fr": "FR", "zh": "CN", "es": "ES", "it": "IT",
                    "nl": "NL", "ja": "JP", "ko": "KR", "pt": "BR", "ru": "RU", "pl": "PL",
                    "sv": "SE", "da": "DK", "nb": "NO", "fi": "FI", "tr": "TR", "hi": "IN"}
_LOCALE = re.compile(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?")


def regions_for(locales: Iterable[str] | None) -> tuple[str, ...]:
    """Phone regions for locales such as ``en_US``, ``zh-CN``, ``de`` or ``GB``."""
    if locales is None:
        return DEFAULT_REGIONS
    if isinstance(locales, str):
        locales = [locales]
    regions: list[str] = []
    for locale in locales:
        m = _LOCALE.fullmatch(locale.strip())
        region = None
        if m and m.group(2) and m.group(2).upper() in phonenumbers.SUPPORTED_REGIONS:
            region = m.group(2).upper()
        elif m and m.group(1).upper() in phonenumbers.SUPPORTED_REGIONS and locale.isupper():
            region = m.group(1).upper()
        elif m and m.group(1).lower() in _LANGUAGE_REGION and not m.group(2):
            region = _LANGUAGE_REGION[m.group(1).lower()]
        if region is None:
            raise UnknownEntity(f"unknown locale {locale!r} (use e.g. en_US, zh_CN, de)",
                                field="locales")
        if region not in regions:
            regions.append(region)
    return tuple(regions)


class Scanner:
    def __init__(self, registry: Registry | None = None, *, ner: NerBackend | None = None,
                 chunk: int = 1 << 20, overlap: int = 1 << 15, margin: int = 256) -> None:
        if overlap < 2 * margin or chunk < overlap:
            raise ValueError("need chunk >= overlap >= 2 * margin")
        self.registry = registry or Registry.default()
        self.ner = ner
        self.chunk, self.overlap, self.margin = chunk, overlap, margin

    def scan(self, text: str, *, entities: Iterable[str] | None = None,
             locales: Iterable[str] | None = None) -> list[Finding]:
        """Disjoint findings in text order. Raises ``UnknownEntity`` for an unknown
        entity or locale, ``NerUnavailable`` if PERSON/LOCATION is asked for without a
        named-entity backend."""
        plan = self._plan(entities, locales)
        if len(text) <= self.chunk + self.overlap:
            return self._scan_window(text, plan)
        size = self.chunk
        return list(self._windows((text[i:i + size] for i in range(0, len(text), size)),
                                  plan))

    def scan_stream(self, source: TextIO | Iterable[str], *,
                    entities: Iterable[str] | None = None,
                    locales: Iterable[str] | None = None) -> Iterator[Finding]:
        """Findings, with offsets into the whole stream, from a text file object (read
        ``chunk`` characters at a time) or an iterable of strings; memory stays that of
        one window however long the input."""
        plan = self._plan(entities, locales)
        if hasattr(source, "read"):
            size = self.chunk
            pieces: Iterable[str] = iter(lambda: source.read(size), "")
        else:
            pieces = source
        return self._windows(pieces, plan)

    def _plan(self, entities, locales):
        wanted = self.registry.resolve(entities)
        recognizers = self.registry.select(wanted)
        ner = None
        if wanted is not None and wanted & NER_ENTITIES:
            ner = self.ner or default_backend()
        elif wanted is None:
            ner = self.ner  # all entities: names too, but only if a backend was given
        return recognizers, wanted, ner, ScanOptions(regions=regions_for(locales))

    def _scan_window(self, text: str, plan) -> list[Finding]:
        recognizers, wanted, ner, opts = plan
        text = fold(text)  # same length: offsets stay the original's
        found: list[Finding] = []
        lower = None
        for rec in recognizers:
            if not _may_match(rec, text):
                continue
            if rec.needles_ci:
                if lower is None:
                    lower = text.lower()
                if not any(n in lower for n in rec.needles_ci):
                    continue
            found.extend(rec.find(text, opts))
        if ner is not None:
            found.extend(Finding(entity, start, end, score, ner.name, 1_000)
                         for entity, start, end, score in ner.find(text))
        if wanted is not None:
            found = [f for f in found if f.entity in wanted]
        return resolve_overlaps(found)

    def _windows(self, pieces: Iterable[str], plan) -> Iterator[Finding]:
        buf, base = "", 0  # buf starts at absolute offset base
        final_from = 0  # absolute offset before which everything has been emitted
        last_end = 0  # end of the last emitted finding: later ones may not overlap it
        window = self.chunk + self.overlap
        for piece in pieces:
            buf += piece
            while len(buf) >= window:
                cut = self.chunk
                for f in self._scan_window(buf[:window], plan):
                    start = base + f.start
                    if f.start < cut and start >= final_from and start >= last_end:
                        yield f.shifted(base)
                        last_end = base + f.end
                keep = cut - self.margin
                final_from = base + cut
                buf, base = buf[keep:], base + keep
        for f in self._scan_window(buf, plan):
            start = base + f.start
            if start >= final_from and start >= last_end:
                yield f.shifted(base)
                last_end = base + f.end


def _may_match(rec: Recognizer, text: str) -> bool:
    return not rec.needles or any(n in text for n in rec.needles)
