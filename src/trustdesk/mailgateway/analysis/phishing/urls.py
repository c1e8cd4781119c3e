"""What a URL really leads to, for the content signals: its organisational domain, the
target a link-protection filter wrapped (``safelinks.protection.outlook.com/?url=…``),
the next hop of a redirect carried in its query, and whether its host is a shortener or
a mail service's click tracker (tables in ``data/urls.yaml``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, unquote

import yaml

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.phishing import links

_FULL_URL = re.compile(r"^(?:https?|hxxps?)://", re.IGNORECASE)
_ENCODED_URL = re.compile(r"^(?:https?|hxxps?)%3a%2f%2f", re.IGNORECASE)


@lru_cache(maxsize=1)
def tables() -> dict:
    source = resources.files("trustdesk.mailgateway.analysis.phishing").joinpath(
        "data", "urls.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    return {
        "shorteners": frozenset(data["shorteners"]),
        "trackers": frozenset(data["trackers"]),
        "wrappers": tuple(data["wrappers"]),
        "redirect_params": frozenset(data["redirect_params"]),
        "free_hosts": frozenset(data["free_hosts"]),
        "form_hosts": frozenset(data["form_hosts"]),
    }


def under(host: str, names) -> bool:
    """``host`` is one of ``names`` or a subdomain of one."""
    if not host:
        return False
    labels = host.split(".")
    return any(".".join(labels[i:]) in names for i in range(len(labels)))


def org(host: str) -> str:
    """The organisational domain of a host; an IP literal (or a name the Public Suffix
    List cannot place) stands for itself."""
    if not host or host.startswith("[") or links.ipv4(host) is not None:
        return host
    return domains.organisational(host) or host


def is_shortener(host: str) -> bool:
    return under(host, tables()["shorteners"])


def is_free_host(host: str) -> bool:
    return under(host, tables()["free_hosts"])


def is_form_host(host: str, path: str = "") -> bool:
    return under(host, tables()["form_hosts"]) or (
        under(host, {"docs.google.com"}) and path.startswith("/forms/"))


def is_tracker(host: str) -> bool:
    return under(host, tables()["trackers"]) or any(
        under(host, {w["host"]}) for w in tables()["wrappers"])


def _proofpoint(version: str, target: links.Target, href: str) -> str | None:
    if version == "v2":
        for key, value in parse_qsl(target.query):
            if key == "u":
                return unquote(value.replace("-", "%").replace("_", "/"))
        return None
    match = re.search(r"/v3/__(.+?)__;", href)
    return match.group(1) if match else None


def unwrap(href: str, depth: int = 3) -> str:
    """The URL a link-protection filter wrapped, as far as it can be read; else ``href``."""
    for _ in range(depth):
        target = links.parse(href)
        inner = None
        for wrapper in tables()["wrappers"]:
            if not under(target.host, {wrapper["host"]}):
                continue
            if wrapper.get("proofpoint"):
                inner = _proofpoint(wrapper["proofpoint"], target, href)
            else:
                inner = next((v for k, v in parse_qsl(target.query)
                              if k.lower() == wrapper["param"]), None)
            break
        if not inner or not _FULL_URL.match(inner):
            return href
        href = inner
    return href


def redirects(target: links.Target) -> list[str]:
    """Full URLs carried in the query: where a redirect would send the reader next."""
    found = []
    try:
        pairs = parse_qsl(target.query, keep_blank_values=False)[:50]
    except ValueError:
        return found
    for key, value in pairs:
        value = value.strip()
        if _ENCODED_URL.match(value):
            value = unquote(value)
        if _FULL_URL.match(value) or (value.startswith("//") and
                                      key.lower() in tables()["redirect_params"]):
            found.append(value)
    return found
