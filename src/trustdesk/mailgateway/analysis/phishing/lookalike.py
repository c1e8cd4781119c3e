"""Whether a host name imitates a protected domain (the helpdesk's own, a brand's).

Four ways, each compared on the registrable label (``paypal`` of ``www.paypal.com``):

- **homoglyphs**: the same skeleton once confusable characters are mapped to the Latin
  letters they imitate (Unicode TR39's table as shipped by ``confusable_homoglyphs``:
  Cyrillic ``а``, Greek ``ο``, ``1`` for ``l``, ``rn`` for ``m``; accents dropped), so
  ``pаypal`` (an IDN) and ``paypa1`` are ``paypal``;
- **edit distance**: Damerau-Levenshtein 1 from a label of at least 5 characters, 2 from
  one of at least 9, keeping the first letter; shorter names (``ups``, ``jd``) are only
  compared by skeleton, since a letter off a 3-letter name is another ordinary name, and
  so are brand labels that are everyday words (``office``, ``live``: ``EVERYDAY``);
- **added words**: the label is the brand's plus words a lure uses
  (``paypal-secure-login``, ``securepaypal``, ``appleid-verify``);
- **subdomain**: the protected name as a label in front of someone else's domain
  (``paypal.com.verify.example``, ``paypal.evil.example``).

A host that is one of the owner's domains, or any protected domain, never matches. A
brand's name under a country's ending (``amazon.de``, ``paypal.co.uk``) is not flagged:
brands own many country domains; under a generic one (``docusign.info``) it is. The
helpdesk's own name under any other ending is.

``near(host, domains)`` is looser, for a brand the message already claims to be from:
one letter off even a short name (``upps.com`` for UPS), or the name itself under a
generic ending (``amazon.info``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from trustdesk.mailgateway.analysis import domains

HOMOGLYPH, EDIT, WORDS, SUBDOMAIN, SUFFIX = "homoglyph", "edit", "words", "subdomain", \
    "suffix"
# Words phishing domains add to a brand's name. Short on purpose: a brand's name plus
# any other word is weaker (see ``compare``).
LURE_WORDS = frozenset("""
secure security login logon signin sign verify verification account accounts update
support service services billing payment payments pay alert alerts auth authenticate desk
wallet help helpdesk center centre team online web mail email webmail info confirm id
customer customers official notice notices delivery tracking track parcel package refund
refunds invoice invoices tax bank card access portal app cloud docs drive office share
file files my en us cn hk global intl recovery recover unlock reset password member
members safe safety check validate validation client clients user users admin session
review case claim reward rewards gift bonus verify secured protect protection alerts
""".split())  # noqa: SIM905 - a list of words reads better as words
# Brand labels that are also everyday words and host names (outlook.example.org is a
# company's webmail, live-help.example a chat vendor, webchat one letter off wechat):
# only their look-alike spellings count, or the whole domain in front of another
# (outlook.com.example.net).
EVERYDAY = frozenset("""
office outlook live mail webmail teams azure zoom slack drive docs cloud store meta visa
citi wechat
""".split())  # noqa: SIM905 - a list of words reads better as words
# Brand labels that are words too: a look-alike spelling or a lure word counts, any other
# word does not (amazon-seller-tools.example), nor the name in front of another domain.
WORDLIKE = frozenset(["apple", "amazon", "google", "adobe", "stripe"])
_MULTI = (("rn", "m"), ("vv", "w"))
# Digits written for letters (up5, 4pple, micr0s0ft), besides TR39's 0 and 1: only for a
# spelling equal to a protected name, since names have digits of their own (office365).
_LEET = str.maketrans("3458", "easb")
_TOKENS = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class Match:
    kind: str  # HOMOGLYPH, EDIT, WORDS, SUBDOMAIN or SUFFIX
    owner: str  # the brand, or "" for the helpdesk's own domain
    domain: str  # the protected domain it imitates
    lure: bool = True  # WORDS: a lure word was added (not just any word)


@lru_cache(maxsize=1)
def _glyphs() -> dict[str, str]:
    from confusable_homoglyphs.confusables import confusables_data

    table = {"0": "o", "1": "l"}
    for char, homoglyphs in confusables_data.items():
        if char.isascii():
            continue
        for entry in homoglyphs:
            target = entry["c"].lower()
            if target.isascii() and target.isalnum():
                table[char] = table.get(char) or target
                break
    return table


def unicode_label(label: str) -> str:
    """An ``xn--`` label decoded to what a reader sees; any other label as it is."""
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label


@lru_cache(maxsize=4096)
def skeleton(label: str) -> str:
    """The Latin letters a (decoded) label, or any short text, shows: confusables mapped,
    accents and invisible characters dropped."""
    glyphs, out = _glyphs(), []
    for char in unicode_label(label.lower()):
        if unicodedata.category(char) == "Cf":  # invisible: zero-width, direction marks
            continue
        mapped = glyphs.get(char)
        if mapped is None:
            mapped = "".join(c for c in unicodedata.normalize("NFKD", char)
                             if not unicodedata.combining(c)).lower()
        out.append(mapped)
    text = "".join(out)
    for seq, letter in _MULTI:
        text = text.replace(seq, letter)
    return text


def _loose(text: str) -> str:
    return text.replace("i", "l")


def scripts(label: str) -> frozenset[str]:
    """The scripts a decoded label's letters are written in (digits, hyphens aside)."""
    from confusable_homoglyphs.categories import alias

    found = set()
    for char in unicode_label(label):
        if char.isalpha():
            try:
                found.add(alias(char))
            except Exception:  # a character outside the library's table
                found.add("UNKNOWN")
    return frozenset(found - {"COMMON"})


def damerau(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts one), or ``limit``
    + 1 once it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def _split_lure(rest: str, depth: int = 0) -> bool:
    """Whether ``rest`` is one or two lure words run together ("secure", "securelogin")."""
    if rest in LURE_WORDS:
        return True
    if depth:
        return False
    return any(rest[:i] in LURE_WORDS and _split_lure(rest[i:], 1)
               for i in range(2, len(rest) - 1))


@lru_cache(maxsize=2048)
def _parts(host: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(organisational domain, its label, the labels in front of it)."""
    org = domains.organisational(host)
    if not org:
        return None
    front = host[: -len(org)].rstrip(".")
    return org, org.split(".")[0], tuple(front.split(".")) if front else ()


def _label_match(cand: str, label: str, brand: bool, country: bool) -> tuple[str, bool] | None:
    """How registrable label ``cand`` imitates protected ``label``; ``country``: the
    candidate is under a country's ending (``.de``, ``.co.uk``)."""
    skel, target = skeleton(cand), skeleton(label)
    if cand == label:
        # Brands register their name in many countries; under a generic ending
        # (docusign.info, paypal.xyz) it is someone else's.
        # A short or everyday name under another ending is usually another owner's.
        if brand and (country or len(label) < 5 or label in EVERYDAY | WORDLIKE):
            return None
        return SUFFIX, True
    tokens = [t for t in _TOKENS.split(cand) if t]
    if len(target) < 3:  # jd, qq: only the name itself beside a lure word
        lured = len(tokens) > 1 and label in tokens and any(t in LURE_WORDS for t in tokens)
        return (WORDS, True) if lured else None
    # A capital I is an l in most fonts and a host name is lower-cased, so i and l are
    # one letter in a name long enough not to be another word (dhi is not dhl); 1 can
    # stand for i as well as l (1cbc).
    # A hyphen splitting the name (o-ffice, pay-pal) reads past the eye as well.
    if skel == target or skeleton(cand.replace("1", "i")) == target or \
            skeleton(cand.translate(_LEET)) == target or \
            (len(target) >= 4 and skel.replace("-", "") == target) or (
            len(target) >= 5 and _loose(skel) == _loose(target)):
        return HOMOGLYPH, True
    if label in EVERYDAY:
        return None
    # Typing errors keep the first letter (amazom, micorsoft); without it, a shorter
    # name is often another word (cloud is not icloud).
    if len(target) >= 5 and len(skel) >= 4 and skel[0] == target[0] and \
            damerau(skel, target, 2) <= (2 if len(target) >= 9 else 1):
        return EDIT, True
    skels = [skeleton(t) for t in tokens]
    if len(tokens) > 1 and target in skels:
        others = [t for t, s in zip(tokens, skels, strict=True) if s != target]
        lure = any(t in LURE_WORDS for t in others)
        if lure or (len(target) >= 5 and label not in WORDLIKE):
            return WORDS, lure
    if len(tokens) == 1 and len(target) >= 4 and skel != target:
        for rest in (skel[len(target):] if skel.startswith(target) else "",
                     skel[: -len(target)] if skel.endswith(target) else ""):
            if rest and (_split_lure(rest) or (rest.isdigit() and len(target) >= 5)):
                return WORDS, _split_lure(rest)
        # A distinctive name inside a longer one (deskpaypalsecure, mypaypalhelp).
        where = skel.find(target)
        if where > 0 and len(target) >= 6 and label not in WORDLIKE:
            pieces = (skel[:where], skel[where + len(target):])
            return WORDS, any(p and _split_lure(p) for p in pieces)
    return None


@dataclass(frozen=True)
class _Target:
    owner: str
    org: str
    label: str
    skel: str


@lru_cache(maxsize=32)
def _targets(protected: tuple[tuple[str, str], ...]) -> tuple[_Target, ...]:
    seen, out = set(), []
    for owner, domain in protected:
        parts = _parts(domains.normalise(domain or "") or "")
        if parts is None or (owner, parts[0]) in seen:
            continue
        seen.add((owner, parts[0]))
        out.append(_Target(owner, parts[0], parts[1], skeleton(parts[1])))
    return tuple(out)


def compare(host: str, protected: Iterable[tuple[str, str]],
            legitimate: frozenset[str] = frozenset()) -> Match | None:
    """The first way ``host`` imitates one of ``protected`` ((owner, domain) pairs; owner
    "" for the helpdesk's own), or None. ``legitimate``: further domains never flagged
    (all the protected ones are)."""
    return _compare(domains.normalise(host or "") or "", tuple(protected), legitimate)


@lru_cache(maxsize=8192)
def _compare(name: str, protected: tuple[tuple[str, str], ...],
             legitimate: frozenset[str]) -> Match | None:
    if not name:
        return None
    if any(name == d or name.endswith("." + d) for d in legitimate):
        return None
    # A host of one owner's (a bucket on amazonaws.com, a tenant on onmicrosoft.com) is
    # that owner's to name as it likes, not another's.
    owners = {owner for owner, d in protected if name == d or name.endswith("." + d)}
    parts = _parts(name)
    if parts is None:
        return None
    org, label, front = parts
    skel = skeleton(label)
    front_skels = {skeleton(t) for x in front for t in _TOKENS.split(x) if t}
    front_text = f".{'.'.join(front)}."
    for target in _targets(protected):
        if target.owner in owners:
            continue
        # Cheap tests first: most targets share nothing with the label.
        if (abs(len(target.skel) - len(skel)) > 2 and target.skel not in skel
                and target.skel not in front_skels):
            continue
        found = _label_match(label, target.label, brand=bool(target.owner),
                             country=len(org.rsplit(".", 1)[-1]) == 2)
        if found:
            return Match(found[0], target.owner, target.org, found[1])
        # paypal.com.verify.example; a short or everyday name only with its suffix
        # (ups.com.verify.example, not ups.example.org)
        if target.skel in front_skels and (
                (len(target.label) >= 5 and target.label not in EVERYDAY | WORDLIKE)
                or f".{target.org}." in front_text):
            return Match(SUBDOMAIN, target.owner, target.org)
    return None


def near(host: str, brand_domains: Iterable[str]) -> str:
    """The brand domain that ``host`` is one typing error or look-alike spelling away
    from, keeping the first letter, however short the name; "" if none. For links in a
    message that claims to come from that brand."""
    name = domains.normalise(host or "")
    parts = _parts(name) if name else None
    if parts is None:
        return ""
    if any(name == d or name.endswith("." + d) for d in brand_domains):
        return ""
    skel = skeleton(parts[1])
    country = len(parts[0].rsplit(".", 1)[-1]) == 2
    for domain in brand_domains:
        target = _parts(domains.normalise(domain) or "")
        if target is None or len(target[1]) < 3 or (parts[1] == target[1] and country):
            continue  # too short to judge, or the brand's name in another country
        goal = skeleton(target[1])
        if skel == goal or (skel[:1] == goal[:1] and damerau(skel, goal, 1) <= 1):
            return target[0]
    return ""
