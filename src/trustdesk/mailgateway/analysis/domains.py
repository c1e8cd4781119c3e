"""Domains as DMARC sees them: normalised, reduced to their organisational domain, and
compared for alignment (RFC 7489 §3.1 and §3.2).

The organisational domain is found with the Public Suffix List shipped inside the
``publicsuffixlist`` wheel: it is read from the installed package, never downloaded at
run time, and is as current as the installed release.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList

_MAX = 253


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def normalise(domain: str) -> str | None:
    """``domain`` lower-cased, without a trailing dot, internationalised names in their
    ASCII (punycode) form; None for anything that is not a host name (empty labels,
    spaces, an address literal, too long)."""
    if not isinstance(domain, str):
        return None
    name = domain.strip().rstrip(".").lower()
    if not name or name.startswith("[") or len(name) > _MAX:
        return None
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_name.split(".")
    if any(not label or len(label) > 63 or label.startswith("-") or label.endswith("-")
           or not all(c.isalnum() or c == "-" for c in label) for label in labels):
        return None
    return ascii_name


def organisational(domain: str) -> str | None:
    """The organisational domain: the public suffix plus one label
    (``mail.example.co.uk`` → ``example.co.uk``); None for a bare public suffix or a
    name that is not a host name."""
    name = normalise(domain)
    if name is None:
        return None
    return _psl().privatesuffix(name)


def aligned(identifier: str, from_domain: str, *, strict: bool = False) -> bool:
    """Whether an authenticated domain (SPF's MAIL FROM domain, DKIM's ``d=``) is
    aligned with the RFC5322.From domain: the same name in strict mode, the same
    organisational domain in relaxed mode (the default, as in DMARC's ``adkim``/``aspf``
    tags)."""
    a, b = normalise(identifier), normalise(from_domain)
    if a is None or b is None:
        return False
    if strict:
        return a == b
    org = organisational(a)
    return org is not None and org == organisational(b)
