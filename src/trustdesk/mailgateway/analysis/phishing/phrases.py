"""The language signal's phrase table (``data/phrases.yaml``) compiled, and the text
normalisation both the table and the message go through: NFKC, no zero-width
characters, Latin words spelt with look-alike letters of other scripts read as Latin,
case-folded, white space collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_ZERO_WIDTH = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
                         "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]")
_ONE_WORD = r"(?:[\s\-]+[\w.'&]{1,30}){0,3}"
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Phrase:
    category: str
    text: str
    weight: int


@dataclass(frozen=True)
class Table:
    phrases: tuple[Phrase, ...]
    english: dict[str, tuple[tuple[re.Pattern, int], ...]]  # first two letters → phrases
    chinese: dict[str, tuple[tuple[re.Pattern, int], ...]]  # first character → phrases
    chinese_starts: re.Pattern
    guards_en: frozenset[str]
    guards_zh: tuple[str, ...]
    negations_en: frozenset[str]
    negations_zh: tuple[str, ...]
    extra: int
    extra_max: int
    combinations: tuple[tuple[frozenset[str], int], ...]
    weak_alone: frozenset[str]
    weak_alone_max: int
    reassurance: frozenset[str]
    calls: frozenset[str]
    call_weight: int
    reporting_en: frozenset[str]
    reporting_zh: tuple[str, ...]
    reassured_max: int
    cap: int
    cap_without_link: int
    cap_without_link_combined: int
    strong: frozenset[str]
    unguarded: frozenset[str]


def _pattern(text: str) -> re.Pattern:
    if _CJK.search(text):
        return re.compile(r"\s*".join(re.escape(c) for c in text if not c.isspace()))
    tokens = [t for t in re.split(r"[\s\-]+", text) if t]
    # "your" may be followed by up to three more words: "verify your Microsoft account",
    # "your Acme support portal session has expired".
    pieces = [re.escape(t) + (_ONE_WORD if t == "your" and i < len(tokens) - 1 else "")
              for i, t in enumerate(tokens)]
    return re.compile(r"[\s\-]*".join(pieces) + r"(?!\w)")


def build(data: dict) -> Table:
    """The compiled table of a phrases document (the bundled one, or a test's)."""
    phrases = []
    for category, spec in data["categories"].items():
        for language in ("en", "zh"):
            for entry in spec.get(language) or ():
                text, weight = (next(iter(entry.items())) if isinstance(entry, dict)
                                else (entry, spec["weight"]))
                text = normalise(str(text))
                phrases.append(Phrase(category, text, int(weight)))
    # Phrases indexed by how they start (an English phrase's first two letters, a Chinese
    # one's first character): the text is read once, and at each place only the few
    # phrases that could start there are tried, overlapping ones too ("click here to
    # verify your account", "请立即重新登录").
    english: dict[str, list] = {}
    chinese: dict[str, list] = {}
    for index, phrase in enumerate(phrases):
        if _CJK.search(phrase.text):
            key, into = phrase.text.replace(" ", "")[0], chinese
        else:
            key, into = phrase.text[:2], english
        into.setdefault(key, []).append((_pattern(phrase.text), index))
    starts = "".join(re.escape(c) for c in chinese) or "(?!)"
    return Table(
        phrases=tuple(phrases),
        english={k: tuple(v) for k, v in english.items()},
        chinese={k: tuple(v) for k, v in chinese.items()},
        chinese_starts=re.compile(f"[{starts}]" if chinese else starts),
        guards_en=frozenset(data["guards"]["en"]),
        guards_zh=tuple(data["guards"]["zh"]),
        negations_en=frozenset(data.get("negations", {}).get("en", ())),
        negations_zh=tuple(data.get("negations", {}).get("zh", ())),
        extra=int(data["extra"]), extra_max=int(data["extra_max"]),
        combinations=tuple((frozenset(c["when"]), int(c["bonus"]))
                           for c in data["combinations"]),
        weak_alone=frozenset(data["weak_alone"]), weak_alone_max=int(data["weak_alone_max"]),
        reassurance=frozenset(data.get("reassurance", ())),
        calls=frozenset(normalise(str(c)) for lang in ("en", "zh")
                        for c in (data.get("calls", {}).get(lang) or ())),
        call_weight=int(data.get("call_weight", 0)),
        reporting_en=frozenset(data.get("reporting", {}).get("en", ())),
        reporting_zh=tuple(data.get("reporting", {}).get("zh", ())),
        reassured_max=int(data.get("reassured_max", 0)),
        cap=int(data["cap"]), cap_without_link=int(data["cap_without_link"]),
        cap_without_link_combined=int(data.get("cap_without_link_combined",
                                               data["cap_without_link"])),
        strong=frozenset(data.get("strong", ())),
        unguarded=frozenset(data.get("unguarded", ())),
    )


@lru_cache(maxsize=1)
def table() -> Table:
    source = resources.files("trustdesk.mailgateway.analysis.phishing").joinpath(
        "data", "phrases.yaml").read_text(encoding="utf-8")
    return build(yaml.safe_load(source))


@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict[int, str]:
    """Letters of other scripts that look like a Latin letter (``а`` Cyrillic → ``a``),
    from the Unicode confusables table."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        for entry in homoglyphs:
            target = entry["c"].lower()
            if len(target) == 1 and target.isascii() and target.isalpha():
                table[ord(char)] = target
                break
    return table


def _delatinise(match: re.Match) -> str:
    word = match.group(0)
    if word.isascii() or not any(c.isascii() for c in word) or _CJK.search(word):
        return word
    return word.translate(_latin_lookalikes())  # "vеrify" with a Cyrillic е: "verify"


def normalise(text: str) -> str:
    """NFKC, without zero-width characters, Latin words written with look-alike letters
    of other scripts read as Latin, curly apostrophes straightened, case-folded, white
    space collapsed (line breaks kept: they end a sentence)."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).replace("\u2019", "'").replace("\u2018", "'")
    text = _LETTERS.sub(_delatinise, text)
    text = re.sub(r"[^\S\n]+", " ", text.casefold())
    return re.sub(r"\s*\n\s*", "\n", text)
