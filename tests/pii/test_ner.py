"""The optional named-entity backend, through its adapter (spaCy itself is not a test
dependency: a stand-in with spaCy's ``nlp(text).ents`` shape drives the real adapter)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trustdesk import pii
from trustdesk.pii import Scanner, SpacyBackend
from trustdesk.pii import ner as ner_module


@dataclass
class _Ent:
    label_: str
    start_char: int
    end_char: int


class _Doc:
    def __init__(self, ents):
        self.ents = ents


class _FakeNlp:
    """Finds the words it was told are names or places, like a tiny model would."""

    def __init__(self, names=(), places=()):
        self.names, self.places = names, places
        self.calls = []

    def __call__(self, text):
        self.calls.append(len(text))
        ents = []
        for label, words in (("PERSON", self.names), ("GPE", self.places)):
            for w in words:
                i = text.find(w)
                while i >= 0:
                    ents.append(_Ent(label, i, i + len(w)))
                    i = text.find(w, i + 1)
        ents.append(_Ent("ORG", 0, 1))  # labels we do not map are ignored
        return _Doc(sorted(ents, key=lambda e: e.start_char))


def test_person_and_location_come_from_the_backend():
    backend = SpacyBackend(_FakeNlp(names=["Ada Lovelace"], places=["London"]))
    scanner = Scanner(ner=backend)
    text = "Ada Lovelace (ada@example.org) moved to London."
    got = [(f.entity, text[f.start:f.end]) for f in scanner.scan(text)]
    assert got == [("PERSON", "Ada Lovelace"), ("EMAIL_ADDRESS", "ada@example.org"),
                   ("LOCATION", "London")]
    only = scanner.scan(text, entities=["LOCATION"])
    assert [(f.entity, f.recognizer) for f in only] == [("LOCATION", "spacy")]


def test_long_text_is_fed_in_pieces_cut_at_line_breaks():
    nlp = _FakeNlp(names=["Grace Hopper"])
    backend = SpacyBackend(nlp, piece=1000)
    text = ("filler line\n" * 200) + "Grace Hopper\n" + ("more\n" * 300)
    found = list(backend.find(text))
    assert [(e, text[s:t]) for e, s, t, _ in found] == [("PERSON", "Grace Hopper")]
    assert max(nlp.calls) <= 1000 and len(nlp.calls) > 1


def test_missing_spacy_or_model_raises_ner_unavailable(monkeypatch):
    monkeypatch.setattr(ner_module, "_cached", [])
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    with pytest.raises(pii.NerUnavailable) as caught:
        ner_module.default_backend()
    assert "pip install spacy" in caught.value.message
    with pytest.raises(pii.NerUnavailable):
        SpacyBackend.load("en_core_web_sm")


def test_a_named_model_that_is_not_installed_says_which(monkeypatch):
    class _Spacy:
        @staticmethod
        def load(name):
            raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: object())
    monkeypatch.setattr("importlib.import_module", lambda name: _Spacy)
    with pytest.raises(pii.NerUnavailable, match="xx_missing_model"):
        SpacyBackend.load("xx_missing_model")


def test_all_entities_without_a_backend_is_the_pattern_engine_alone():
    text = "Ada Lovelace, ada@example.org"
    assert [f.entity for f in Scanner().scan(text)] == ["EMAIL_ADDRESS"]
