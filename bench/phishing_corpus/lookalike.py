"""Lookalike domains made from a real one, by the tricks phishing uses: confusable letters
from other scripts (Cyrillic а, о, р, е, с), letters that read alike (rn for m, 0 for o,
1 for l, vv for w), one letter dropped, doubled or swapped, a hyphen, added words
(paypal-secure-login.com), another TLD, and the real name as a subdomain of another
(paypal.com.account-verify.example)."""

from __future__ import annotations

import random

CYRILLIC = {
    "a": "а",
    "o": "о",
    "p": "р",
    "e": "е",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "s": "ѕ",
}
ALIKE = (
    ("m", "rn"),
    ("o", "0"),
    ("l", "1"),
    ("i", "l"),
    ("w", "vv"),
    ("d", "cl"),
    ("e", "3"),
    ("a", "4"),
    ("s", "5"),
    ("g", "q"),
)
WORDS = (
    "secure",
    "login",
    "verify",
    "account",
    "support",
    "billing",
    "update",
    "service",
    "portal",
    "help",
    "online",
    "auth",
    "id",
    "signin",
    "confirm",
    "team",
    "desk",
    "payments",
    "invoice",
    "mail",
    "安全",
)
TLDS = (
    "com",
    "net",
    "info",
    "xyz",
    "top",
    "online",
    "site",
    "co",
    "app",
    "live",
    "support",
    "cn",
    "io",
    "example",
    "help",
    "services",
)


def _split(domain: str) -> tuple[str, str]:
    label, _, rest = domain.partition(".")
    return label, rest


def confusable(rng: random.Random, domain: str) -> str:
    label, rest = _split(domain)
    spots = [i for i, ch in enumerate(label) if ch in CYRILLIC]
    if not spots:
        return alike(rng, domain)
    for i in rng.sample(spots, k=min(len(spots), rng.choice((1, 1, 2, len(spots))))):
        label = label[:i] + CYRILLIC[label[i]] + label[i + 1 :]
    return f"{label}.{rest}"


def alike(rng: random.Random, domain: str) -> str:
    label, rest = _split(domain)
    options = [(a, b) for a, b in ALIKE if a in label]
    if not options:
        return typo(rng, domain)
    a, b = rng.choice(options)
    at = rng.choice([i for i in range(len(label)) if label.startswith(a, i)])
    return f"{label[:at]}{b}{label[at + len(a) :]}.{rest}"


def typo(rng: random.Random, domain: str) -> str:
    label, rest = _split(domain)
    i = rng.randrange(1, len(label) - 1)
    kind = rng.choice(("drop", "double", "swap", "hyphen"))
    if kind == "drop" and label[i] != "-":
        label = label[:i] + label[i + 1 :]
    elif kind == "double":
        label = label[:i] + label[i] + label[i:]
    elif kind == "swap" and label[i] != label[i + 1]:
        label = label[:i] + label[i + 1] + label[i] + label[i + 2 :]
    else:
        label = label[:i] + "-" + label[i:] if "-" not in label[i - 1 : i + 1] else label + "s"
    return f"{label}.{rest}"


def added_words(rng: random.Random, domain: str) -> str:
    label, _ = _split(domain)
    word = rng.choice(WORDS[:-1])
    parts = [label, word] if rng.random() < 0.7 else [word, label]
    if rng.random() < 0.4:
        parts.insert(rng.randint(0, 2), rng.choice(WORDS[:-1]))
    return rng.choice(("-", "-", "")).join(parts) + "." + rng.choice(TLDS)


def subdomain(rng: random.Random, domain: str) -> str:
    host = rng.choice(("", "www.", "login.", "secure."))
    tail = rng.choice(
        (
            "account-verify",
            "secure-session",
            "auth-check",
            "id-confirm",
            "service-update",
            "cdn-static",
            "mailbox-quota",
        )
    )
    return (
        f"{host}{domain}.{tail}{rng.randint(1, 99) if rng.random() < 0.4 else ''}."
        f"{rng.choice(TLDS)}"
    )


def other_tld(rng: random.Random, domain: str) -> str:
    label, rest = _split(domain)
    tld = rng.choice([t for t in TLDS if t != rest.split(".")[-1]])
    return f"{label}.{tld}"


TRICKS = {
    "confusable": confusable,
    "alike": alike,
    "typo": typo,
    "added_words": added_words,
    "subdomain": subdomain,
    "other_tld": other_tld,
}


def make(rng: random.Random, domain: str, trick: str | None = None) -> tuple[str, str]:
    """(trick, lookalike) — never the real domain itself."""
    for _ in range(10):
        name = trick or rng.choice(tuple(TRICKS))
        fake = TRICKS[name](rng, domain)
        if fake != domain:
            return name, fake
    return "added_words", added_words(rng, domain)


def ascii_host(host: str) -> str:
    """The host as it goes in an address or a URL on the wire (IDNA punycode)."""
    try:
        return host.encode("idna").decode()
    except UnicodeError:
        return ".".join(
            p if p.isascii() else "xn--" + p.encode("punycode").decode() for p in host.split(".")
        )
