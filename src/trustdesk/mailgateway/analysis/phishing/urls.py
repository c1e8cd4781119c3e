"""What a URL really leads to, for the content signals: its organisational domain, the
target a link-protection filter wrapped (``safelinks.protection.outlook.com/?url=…``),
the next hop of a redirect carried in its query, whether its host is a shortener, a free
web host, a form service or a mail service's click tracker (tables in
``data/urls.yaml``), and ``faults``: the ways a URL hides where it leads.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, unquote

import yaml

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.phishing import links

# A registrable name made of words phishing uses: "secure-login-verify.example".
_LURE_LABEL = re.compile(r"(?:^|-)(?:login|log-in|signin|sign-in|verify|verification|"
                         r"validate|secure|security|account|accounts|webmail|auth|"
                         r"wallet|billing|recovery|unlock)(?:-|$)")
# A free host's page named like this is a sign-in form someone put there.
_SIGN_IN_PAGE = frozenset({"login", "signin", "logon", "owa", "webmail", "verify",
                           "verification", "auth", "secure", "password", "validate",
                           "wp-login", "sso", "mfa", "office365", "outlook", "mailbox"})
_PATH_TOKENS = re.compile(r"[/._\-?=&]+")
_WORDPRESS = re.compile(r"/wp-(?:content|includes|admin)/")
_PROGRAM = re.compile(r"\.(?:exe|scr|pif|bat|cmd|msi|vbs|vbe|js|jse|wsf|hta|ps1|lnk|"
                      r"iso|img|apk)$")
# "paypal.com.account-check.example": a subdomain dressed as a whole domain name.
_TLD_LABELS = {"com", "net", "org", "gov", "edu"}
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


# Networks of a company's own machines (RFC 1918, shared, loopback, link-local, ULA). Not
# ipaddress's is_private, which also counts the documentation ranges.
_INTERNAL = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"))


def _internal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return any(address in network for network in _INTERNAL if
               network.version == address.version)


def _punycode_weight(host: str) -> int:
    labels = [label for label in host.split(".")[:-1] if label.startswith("xn--")]
    worst = 0
    for label in labels:
        try:
            decoded = label.encode("ascii").decode("idna")
        except UnicodeError:
            return 20  # a punycode label that does not decode: made by hand
        scripts = {unicodedata.name(c, "?").split()[0] for c in decoded if c.isalpha()}
        mixed = len(scripts) > 1 or bool(scripts & {"CYRILLIC", "GREEK", "ARMENIAN"})
        worst = max(worst, 20 if mixed else 6)
    return worst


def faults(href: str, brands: dict[str, str], sender: str,
           brand_labels: frozenset[str] = frozenset(), *,
           _after_redirect: bool = False) -> list[tuple[int, str]]:
    """(points, plain words) for each way ``href`` hides where it leads. ``brands``:
    organisational domain → brand; ``brand_labels``: their names as written in a URL
    (``paypal``, ``office365``)."""
    final = links.parse(unwrap(href))
    found = []
    if final.scheme in ("javascript", "vbscript"):
        found.append((25, "runs a script"))
    elif final.scheme == "data":
        found.append((20, "carries its own page (a data: URL)"))
    elif final.scheme == "file":
        found.append((15, "opens a file path"))
    host = final.host
    if not host:
        return found
    internal = final.ip and _internal(host)
    if final.numeric_ip:
        found.append((25, f"goes to the IP address {host} written as a number"))
    elif internal:  # a colleague's link to a machine on the company's own network
        found.append((4, f"goes to the internal network address {links.defang(host)}"))
    elif final.ip:
        found.append((18, f"goes to the bare IP address {links.defang(host)}"))
    if final.userinfo:
        tricky = "." in final.userinfo
        found.append((22 if tricky else 12, f"puts \u201c{final.userinfo[:40]}\u201d before "
                                             f"an @, so it really goes to {links.defang(host)}"))
    if is_shortener(host):
        found.append((10, f"hides its target behind the shortener {host}"))
    target = org(host)
    if not is_tracker(host) and target != sender:
        for inner in redirects(final):
            inner_org = org(links.parse(inner).host)
            if inner_org and inner_org not in (target, sender):
                found.append((15, f"redirects through {host} to {links.defang(inner[:80])}"))
                if not _after_redirect:  # and where it lands is judged too
                    found += [(p, "then " + w) for p, w in faults(
                        inner, brands, sender, brand_labels, _after_redirect=True)]
                break
    punycode = _punycode_weight(host)
    if punycode:
        found.append((punycode, f"has an internationalised (punycode) name {host}"))
    if not final.ip:
        sub = host[: -len(target)].rstrip(".").split(".") if host != target else []
        padded = f".{'.'.join(sub)}."
        if any(f".{b}." in padded for b in brands if b != target):
            found.append((20, f"puts a brand's domain in front of {target}"))
        elif any(label in _TLD_LABELS for label in sub[1:]):
            found.append((12, f"puts another domain name in front of {target}"))
        elif len(sub) >= 4:
            found.append((8, f"has {len(sub)} levels of subdomain"))
    if is_form_host(host, final.path):
        found.append((10, f"opens a form on {host}, where anyone can collect answers"))
    elif is_free_host(host):
        found.append((10, f"is on {target}, where anyone can publish a page"))
    elif not final.ip and _LURE_LABEL.search(target.partition(".")[0]) \
            and target not in brands:
        found.append((8, f"has a lure word in its domain name {target}"))
    path = unquote(final.path).lower()
    wordpress = bool(_WORDPRESS.search(path))
    if wordpress:
        found.append((10, "points inside a website's WordPress folders"))
    # A sign-in page where nobody's real sign-in page is: on a free host, inside a
    # website's WordPress folders, on a bare IP address.
    if (wordpress or final.ip or is_free_host(host)) and any(
            t in _SIGN_IN_PAGE for t in _PATH_TOKENS.split(path)):
        found.append((8, "names its page like a sign-in page"))
    if brand_labels and (target not in brands or is_free_host(host)):
        named = next((t for t in _PATH_TOKENS.split(path) if t in brand_labels), None)
        if named:
            found.append((10, f"names {named} in the path of a page on {target}"))
    if _PROGRAM.search(path):
        found.append((12, "downloads a program"))
    default = links.SPECIAL.get(final.scheme)
    if final.port is not None and final.port != default and not internal:
        found.append((10, f"uses the unusual port {final.port}"))
    return found
