"""PII detection and redaction, a pure library: no Django import anywhere in it.

    from trustdesk import pii
    findings = pii.scan("card 4111 1111 1111 1111, mail ada@example.org")
    pii.redact(text, findings, pii.Mask())          # or Replace(), KeyedHash(key), …

See docs/pii.md for entities, recognizers, operators and the YAML format.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TextIO

from trustdesk.pii.engine import DEFAULT_REGIONS, Scanner, regions_for
from trustdesk.pii.errors import NerUnavailable, RecognizerConfigError, UnknownEntity
from trustdesk.pii.findings import Finding, resolve_overlaps
from trustdesk.pii.gazetteer import GazetteerBackend
from trustdesk.pii.ner import NerBackend, SpacyBackend
from trustdesk.pii.operators import (
    Keep,
    KeyedHash,
    Mask,
    Operator,
    Replace,
    Tokenize,
    redact,
)
from trustdesk.pii.registry import ALIASES, Registry

_lock = threading.Lock()
_default: list[Scanner] = []


def default_scanner() -> Scanner:
    """The process-wide scanner with the built-in recognizers (built on first use)."""
    if not _default:
        with _lock:
            if not _default:
                _default.append(Scanner())
    return _default[0]


def scan(text: str, *, entities: Iterable[str] | None = None,
         locales: Iterable[str] | None = None) -> list[Finding]:
    """Findings in ``text`` (disjoint, in text order). ``entities`` limits the search
    (Presidio names; None = every pattern entity), ``locales`` picks phone regions
    (``en_US``, ``zh_CN`` …). Raises ``UnknownEntity`` or ``NerUnavailable``."""
    return default_scanner().scan(text, entities=entities, locales=locales)


def scan_stream(source: TextIO | Iterable[str], *, entities: Iterable[str] | None = None,
                locales: Iterable[str] | None = None) -> Iterator[Finding]:
    """Like ``scan`` over a text file or an iterable of strings, in constant memory."""
    return default_scanner().scan_stream(source, entities=entities, locales=locales)


__all__ = [
    "ALIASES", "DEFAULT_REGIONS", "Finding", "GazetteerBackend", "Keep", "KeyedHash", "Mask",
    "NerBackend", "NerUnavailable", "Operator", "RecognizerConfigError", "Registry", "Replace",
    "Scanner", "SpacyBackend", "Tokenize", "UnknownEntity", "default_scanner", "redact",
    "regions_for", "resolve_overlaps", "scan", "scan_stream",
]
