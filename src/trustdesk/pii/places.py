"""Places without a model: capitalised words that spell a country, a US state or a city of
the GeoNames table (``pii/gazetteer.py`` loads it). A country, a state or a city of a
million people is taken on its own; a smaller town, or a name that is also a first name
or a common word ("Jordan", "Nice", "Reading"), only after a place cue ("in", "from",
"ship to", "nach" …) or before ", <country or state>"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise

from trustdesk.pii import name_tables as t
from trustdesk.pii.names import Token

STRONG, NEEDS_CUE = 2, 1


class PlaceFinder:
    def __init__(self, places: Mapping[str, int], han: Mapping[str, int]) -> None:
        self.places = places  # lowercased name -> STRONG or NEEDS_CUE
        self.longest: dict[str, int] = {}  # first word -> most words of a name it starts
        for name in places:
            words = name.split(" ")
            self.longest[words[0]] = max(self.longest.get(words[0], 1), len(words))
        names = sorted(han, key=len, reverse=True)
        self.han = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
        if self.han is not None:
            # The alternation of some thousand names is tried only inside Han text.
            for run in _HAN.finditer(text):
                for m in self.han.finditer(text, run.start(), run.end()):
                    yield m.start(), m.end()
        i = 0
        while i < len(toks):
            hit = self._match(text, toks, i) if toks[i].capital else None
            if hit is None:
                i += 1
                continue
            j, strength = hit
            if self._accept(text, toks, i, j, strength):
                yield toks[i].start, toks[j - 1].end
            i = j

    def _match(self, text: str, toks: list[Token], i: int) -> tuple[int, int] | None:
        """The longest place name starting at token ``i``: (end token, strength)."""
        most = self.longest.get(toks[i].key)
        if most is None:
            return None
        for n in range(min(most, len(toks) - i), 0, -1):
            words = toks[i:i + n]
            if any(text[a.end:b.start] not in (" ", "-") for a, b in pairwise(words)):
                continue
            if not words[-1].capital:
                continue
            key = " ".join(w.key for w in words)
            if key in self.places:
                return i + n, self.places[key]
        return None

    def _accept(self, text: str, toks: list[Token], i: int, j: int, strength: int) -> bool:
        if j < len(toks) and text[toks[j - 1].end:toks[j].start] == " " and (
                toks[j].key in t.STREET or toks[j].key in t.COMPANY
                or toks[j].key in t.PRODUCTS):
            return False  # "London Road", "Berlin Labs"
        if i and text[toks[i - 1].end:toks[i].start] == " " and toks[i - 1].capital and (
                toks[i - 1].key in t.STREET or toks[i - 1].key in t.TITLES):
            return False  # "Rue de Paris" is read as a street, "Mr London" as a person
        if strength == STRONG:
            return True
        before = text[max(0, toks[i].start - 24):toks[i].start]
        if t.PLACE_CUE.search(before):
            return True
        after = text[toks[j - 1].end:toks[j - 1].end + 40]
        m = re.match(r", ([^\W\d_]+(?: [^\W\d_]+)?)", after)
        return bool(m and self.places.get(m.group(1).lower()) == STRONG)


_HAN = re.compile("[\u4e00-\u9fff]{2,}")
