"""People's names without a model: runs of capitalised words, trusted when they start with
a known first name and go on with a surname, or when a cue announces them ("my name is",
"Dear", "Mr", a signature line); Chinese names after a cue when they start with a common
surname. The dictionaries are handed in (``pii/gazetteer.py`` loads them); the rules and
word tables (``name_tables``) are here."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from trustdesk.pii import name_tables as t

# Letters of alphabetic scripts, not Han or kana (those are read by ``_han_names``).
# A word glued to digits ("C1:FA", "2B") is a code, not a word.
# Han or kana next to a word ends it ("寄到Rua Oscar Freire"); another letter or digit
# does not.
_WORD = re.compile(r"(?<![^\W\u3040-\u30ff\u3400-\u9fff])[^\W\d_\u3040-\u30ff\u3400-\u9fff]+"
                   r"(?:['’\-][^\W\d_\u3400-\u9fff]+)*(?![^\W\u3040-\u30ff\u3400-\u9fff])")
# E-mail addresses and URLs: "Sarah@Example.Io" is a mailbox, not a person.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")
_MAX_TOKENS = 4
_COMMON = 5  # nam_dict frequency class from which a lone first name is taken mid-sentence
_VOCATIVE = re.compile(r", [^\W\d_]*[a-z]")  # "Kevin, can you …"
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n\"“(\[]|--)\s*$")


class Token:
    """A word and where it is; ``key`` is its lowercase form, ``capital`` whether it is
    capitalised but not all capitals ("UN", "NSW", "SW" are postcodes and states)."""

    __slots__ = ("capital", "end", "key", "start", "word")

    def __init__(self, start: int, end: int, word: str) -> None:
        self.start, self.end, self.word = start, end, word
        self.key = word.lower()
        self.capital = word[0].isupper() and (len(word) == 1 or not word.isupper())

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.word!r})"


def tokens(text: str) -> list[Token]:
    out = []
    skip = [(m.start(), m.end()) for m in _ADDRESS.finditer(text)] if (
        "@" in text or "://" in text or "www." in text) else []
    k = 0
    for m in _WORD.finditer(text):
        while k < len(skip) and skip[k][1] <= m.start():
            k += 1
        if k < len(skip) and skip[k][0] <= m.start():
            continue
        word, end = m.group(), m.end()
        if len(word) > 3 and word[-2:] in ("'s", "’s"):
            word, end = word[:-2], end - 2  # "Sarah's card": the name is Sarah
        out.append(Token(m.start(), end, word))
    return out


def runs(text: str, toks: list[Token]) -> Iterator[list[Token]]:
    """Maximal runs of capitalised words on one line, joined by one space (an initial may
    carry its full stop: "J. Smith"), with name particles allowed inside."""
    i = 0
    while i < len(toks):
        if not toks[i].capital:
            i += 1
            continue
        run = [toks[i]]
        j = i + 1
        while j < len(toks):
            gap = text[run[-1].end:toks[j].start]
            prev = run[-1]
            if gap != " " and not (gap == ". " and (len(prev.word) == 1 or
                                                    prev.key in t.TITLES)):
                break
            tok = toks[j]
            particle = tok.key in t.PARTICLES and _particle_then_name(text, toks, j)
            if not (tok.capital or particle):
                break
            run.append(tok)
            j += 1
        yield run
        i = j


_GREETING_COMMA = re.compile(r"(?:^|[^\w])(?:hi|hello|hallo|hola|hey|bonjour|ciao|beste|"
                             r"thanks|danke|merci|gracias|grazie)\s*,\s*$", re.IGNORECASE)
_LOWER_NEXT = re.compile(r" [^\W\d_]")


def _greeting_then_sentence(text: str, tok: Token) -> bool:
    """A greeting, a comma, then a capitalised word that a lowercase word follows."""
    nxt = text[tok.end:tok.end + 2]
    return (bool(_GREETING_COMMA.search(text[max(0, tok.start - 20):tok.start]))
            and bool(_LOWER_NEXT.fullmatch(nxt)) and nxt[1].islower())


def _initial(text: str, run: list[Token]) -> bool:
    """The run opens with an initial and its full stop ("A. Watanabe", not "A Nice")."""
    return (len(run) > 1 and len(run[0].word) == 1 and run[0].word.isupper()
            and text[run[0].end:run[0].end + 1] == ".")


def _mid_sentence(text: str, tok: Token) -> bool:
    return not _SENTENCE_END.search(text[max(0, tok.start - 4):tok.start]) and (
        tok.start > 0)


def _word_before(text: str, start: int) -> str:
    m = re.search(r"([^\W\d_]+)[ \t]+$", text[max(0, start - 30):start])
    return m.group(1).lower() if m else ""


def _particle_then_name(text: str, toks: list[Token], j: int) -> bool:
    """Token ``j`` is a particle and, after any more ("de la"), a capitalised word."""
    while j + 1 < len(toks) and text[toks[j].end:toks[j + 1].start] in (" ", "-"):
        j += 1
        if toks[j].capital:
            return True
        if toks[j].key not in t.PARTICLES:
            return False
    return False


class PersonFinder:
    def __init__(self, first_names: Mapping[str, int], places: frozenset[str]) -> None:
        self.first = first_names  # lowercased first name -> frequency class (1..13)
        self.places = places  # lowercased place names: "Hong Kong" is no Mr Hong

    def is_first(self, tok: Token) -> bool:
        return (tok.key in self.first and tok.key not in t.STOP and len(tok.word) > 1
                and tok.key not in t.PRODUCTS)

    def find(self, text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
        yield from self._han_names(text)
        for m in t.NAME_FIELD.finditer(text):
            if not any(w.lower() in t.STOP for w in re.findall(r"[^\W\d_]+", m.group(1))):
                yield m.start(1), m.end(1)
        for m in t.NAME_STATEMENT.finditer(text):
            yield from self._lowercase_name(m)
        for run in runs(text, toks):
            span = self._judge(text, run)
            if span is not None:
                yield span

    def _judge(self, text: str, run: list[Token]) -> tuple[int, int] | None:
        before = _word_before(text, run[0].start)
        if before in t.STREET:
            return None  # "rue Victor Hugo", "via Garibaldi"
        cue = bool(t.CUE_BEFORE.search(text[max(0, run[0].start - 40):run[0].start]
                                       .lower())) or self._signs(text, run)
        # Leading greeting words and titles are cues, not part of the name.
        stripped = False
        while run and (run[0].key in t.STOP or run[0].key in t.TITLES
                       or run[0].key in t.PARTICLES) and not _initial(text, run):
            # "Dear", "Mr" announce a name; "Meine" after "Hallo," breaks the greeting.
            cue = run[0].key in t.TITLES or bool(t.CUE_BEFORE.search(" " + run[0].key))
            run, stripped = run[1:], True
        if run and stripped and not cue:  # "Ich bin Anna": the cue was inside the run
            cue = bool(t.CUE_BEFORE.search(text[max(0, run[0].start - 40):run[0].start]
                                           .lower()))
        while run and (run[-1].key in t.PARTICLES or run[-1].key in t.STOP):
            run = run[:-1]
        if not run:
            return None
        run = run[:_MAX_TOKENS]
        words = run[1:] if _initial(text, run) else run  # "A. Watanabe": no article
        if any(tok.key in t.STOP or tok.key in t.PRODUCTS for tok in words):
            return None
        if any(tok.key in t.STREET or tok.key in t.COMPANY for tok in run):
            return None  # "Victoria Street", "Calle Mayor", "Grace Labs": not a person
        if " ".join(tok.word for tok in run).lower() in self.places and not cue:
            return None
        first = self.is_first(run[0])
        if cue and len(run) == 1 and _greeting_then_sentence(text, run[0]):
            return None  # "Hola, Por favor …", "Hallo, Wilt u …": a sentence, not a name
        if cue and (first or len(run) > 1 or len(run[0].word) > 2):
            return run[0].start, run[-1].end
        if len(run) < 2:
            # A common first name alone mid-sentence ("please call Sarah back"); not at
            # a sentence start, where "Grace" or "Rose" may be any capitalised word.
            if (first and self.first[run[0].key] >= _COMMON and len(run[0].word) > 2
                    and run[0].key not in self.places and (
                        _mid_sentence(text, run[0]) or _VOCATIVE.match(text, run[0].end))):
                return run[0].start, run[0].end
            return None
        if first:
            return run[0].start, run[-1].end
        # "J. Smith": an initial with its full stop, then a surname.
        if _initial(text, run) and len(run[1].word) > 2 and run[1].key not in self.places:
            return run[0].start, run[-1].end
        # "Zhang Wei": a pinyin surname first, then a given name.
        if run[0].key in t.PINYIN_SURNAMES and len(run) <= 3 and (
                self.is_first(run[1]) or run[1].key in t.PINYIN_SURNAMES):
            return run[0].start, run[-1].end
        return None

    def _lowercase_name(self, m: re.Match) -> Iterator[tuple[int, int]]:
        """After "my name is": a known first name (or pinyin surname) in lowercase, and
        the word after it unless that is a common word."""
        first, second = m.group(1), m.group(2)
        if not first.islower() or first in t.STOP or not (
                first in self.first or first in t.PINYIN_SURNAMES):
            return
        end = m.end(1)
        if second and second.islower() and second not in t.STOP and len(second) > 1:
            end = m.end(2)
        yield m.start(1), end

    @staticmethod
    def _signs(text: str, run: list[Token]) -> bool:
        """The run is alone on the line after a sign-off ("Regards,\\nAda Lovelace")."""
        line_start = text.rfind("\n", 0, run[0].start) + 1
        line_end = text.find("\n", run[-1].end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_start:run[0].start].strip() or text[run[-1].end:line_end].strip(
                " \t.,"):
            return False
        if line_start == 0:
            return False
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        return bool(t.SIGNOFF.search(text[prev_start:line_start - 1]))

    def _han_names(self, text: str) -> Iterator[tuple[int, int]]:
        for m in t.HAN_CUE.finditer(text):
            yield from _han_name(m.group(1), m.start(1))
        for sign in t.HAN_SIGNOFFS:
            i = text.find(sign)
            while i >= 0:
                nl = text.find("\n", i)
                if nl >= 0:
                    stop = text.find("\n", nl + 1)
                    line = text[nl + 1:stop if stop >= 0 else len(text)]
                    name = line.strip()
                    if 2 <= len(name) <= 4:
                        yield from _han_name(name, nl + 1 + line.index(name), whole=True)
                i = text.find(sign, i + 1)


def _han_name(chars: str, start: int, *, whole: bool = False) -> Iterator[tuple[int, int]]:
    """A surname from the table, then one or two given-name characters."""
    if chars[:2] in t.HAN_DOUBLE_SURNAMES:
        surname = 2
    elif chars[:1] in t.HAN_SURNAMES:
        surname = 1
    else:
        return
    end = surname
    while end < len(chars) and end < surname + 2 and chars[end] not in t.HAN_STOP:
        end += 1
    if end == surname or (whole and end != len(chars)):
        return
    yield start, start + end
