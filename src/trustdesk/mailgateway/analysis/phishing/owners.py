"""Whose a domain is, for the content signals: the helpdesk's own, a brand's (the
context's brands, else the bundled table), the sender's (and whether the sender's
authentication failed). Read once per context and cached.
"""

from __future__ import annotations

from functools import lru_cache

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.phishing import tables, urls
from trustdesk.mailgateway.analysis.phishing.base import Context, MailView


def sender_org(mail: MailView) -> str:
    address = mail.parsed.from_address if mail.parsed is not None else ""
    return urls.org(domains.normalise(address.rpartition("@")[2]) or "") if address else ""


def dmarc_failed(mail: MailView) -> bool:
    result = getattr(getattr(getattr(mail.auth, "dmarc", None), "result", None), "result", "")
    return result == "fail"


def own_orgs(context: Context) -> frozenset[str]:
    return _orgs(frozenset(context.own_domains))


@lru_cache(maxsize=16)
def _orgs(names: frozenset[str]) -> frozenset[str]:
    return frozenset(urls.org(domains.normalise(d) or d) for d in names if d)


def brand_orgs(context: Context) -> dict[str, str]:
    """Organisational domain → the brand it belongs to (the context's, else bundled)."""
    return _brand_orgs(tuple(context.brands))


def brand_labels(context: Context) -> frozenset[str]:
    """The brands' domain names as a URL's path would name them (``paypal`` of
    ``paypal.com``); short ones (``qq``, ``jd``) are left out, they are in too many paths."""
    return _brand_labels(tuple(context.brands))


@lru_cache(maxsize=16)
def _brand_labels(brands: tuple) -> frozenset[str]:
    return frozenset(label for org in _brand_orgs(brands)
                     if len(label := org.partition(".")[0]) >= 5 and not label.isdigit())


@lru_cache(maxsize=16)
def _brand_orgs(brands: tuple) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, _shown_as, names in tables.brands_of(brands):
        for domain in names:
            table.setdefault(urls.org(domains.normalise(domain) or domain), name)
    return table
