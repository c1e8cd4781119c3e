"""The words a text is found by, normalised the same way on both sides (pure: no Django).

NFKC (full-width forms, ligatures) and case-folding first; then words: runs of letters
and digits of Latin, Cyrillic, Greek and other alphabetic scripts, and for Chinese,
Japanese and Korean text, which has no spaces, every single character and every pair of
neighbouring characters (a query "退款" finds "申请退款", "退" finds it too). Prefixes (3
to ``PREFIX_MAX`` characters) are kept for the short fields people type the start of (a
name, a company), not for conversations, where they would multiply the index for little:
a conversation is found by whole words.
"""

from __future__ import annotations

import re
import unicodedata

PREFIX_MIN, PREFIX_MAX = 3, 12
MAX_TERMS = 400  # a message's distinct terms kept: enough to find it, bounded in size
MAX_QUERY_WORDS = 6
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[^\W_{_CJK}]+|[{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def words(text: str) -> list[str]:
    """The text's words in order (CJK runs as they stand)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


def _cjk_terms(run: str) -> list[str]:
    return list(run) + [run[i:i + 2] for i in range(len(run) - 1)]


def terms(text: str, *, prefixes: bool = False) -> set[str]:
    """Every term ``text`` is found by, tagged: ``w:`` a whole word, ``p:`` a prefix."""
    out: set[str] = set()
    for word in words(text):
        if _IS_CJK.match(word):
            out.update(f"w:{t}" for t in _cjk_terms(word))
            continue
        out.add(f"w:{word[:64]}")
        if prefixes:
            out.update(f"p:{word[:n]}" for n in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1)
                       if n < len(word))
        if len(out) >= MAX_TERMS:
            break
    return set(sorted(out)[:MAX_TERMS]) if len(out) > MAX_TERMS else out


def query_terms(query: str, *, prefixes: bool = False) -> list[tuple[str, ...]]:
    """What a query looks up: for each query word, the terms any of which matches it; all
    words must match. With ``prefixes`` a word of 3 to 12 characters matches as a whole
    word or as the start of one ("lov" finds "Lovelace")."""
    out: list[tuple[str, ...]] = []
    for word in words(query)[:MAX_QUERY_WORDS]:
        if _IS_CJK.match(word):
            # A CJK run: each of its pairs (or its single character) must match.
            pieces = [word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]
            out.extend((f"w:{t}",) for t in pieces)
        elif prefixes and PREFIX_MIN <= len(word) <= PREFIX_MAX:
            out.append((f"w:{word}", f"p:{word}"))
        else:
            out.append((f"w:{word[:64]}",))
    return list(dict.fromkeys(out))
