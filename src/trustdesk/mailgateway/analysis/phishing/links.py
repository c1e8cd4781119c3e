"""The links of a message: every target a reader could follow, with the text shown for it.

``extract(html, text)`` reads ``<a href>``, ``<area href>`` and ``<form action>`` from the
HTML part (respecting ``<base href>``; an image's ``src`` is not a link) and the bare
URLs of the plain text (``http``, ``https``, defanged ``hxxp``, ``www.``). It is bounded
in the number of links and in their length, and never raises on hostile markup.

A link's host is what a browser would connect to, not what a reader sees: the last ``@``
ends the user information (``https://paypal.com@evil.example/`` goes to
``evil.example``), a backslash counts as a slash, percent-escapes in the host are
decoded, internationalised names become punycode, and the numeric forms of an IPv4
address (``http://0x7f.1/``, ``http://3232235777/``) become the dotted address they
stand for. ``parse`` gives the rest of what a signal needs (scheme, user information,
port, query); ``defang`` writes a URL so that no mail client or console makes it a link.
"""

from __future__ import annotations

import contextlib
import html.parser
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.phishing.base import Link

MAX_LINKS = 500
MAX_HREF = 2048  # characters of a target kept (and read)
MAX_TEXT = 300  # characters of visible text kept per link
MAX_INPUT = 1_000_000  # characters of HTML or text read

SPECIAL = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443, "file": None}
DEFANGED = {"hxxp": "http", "hxxps": "https", "hxxxp": "http", "hxxxps": "https"}
# Targets that are not a place on the web: the reader's mail client handles them.
NOT_WEB = {"mailto", "tel", "sms", "callto", "cid", "mid", "about"}

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_STRIP = "".join(chr(c) for c in range(0x21)) + "\u00a0"
_INNER_WS = re.compile(r"[\t\n\r]")
# A bare URL ends at white space, quotes, angle brackets and CJK or full-width punctuation.
_END = r"\s<>\"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# No \b before the scheme: in Chinese text a URL follows a word character directly.
_BARE = re.compile(rf"(?<![a-z0-9.\-])(?:(?:https?|hxxx?ps?)://|www\.)[^{_END}]+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\")]}>\u3002\uff0c\uff1b\uff1a\uff01\uff1f"
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Target:
    """A URL taken apart the way a browser does."""

    scheme: str  # lower-case, a defanged "hxxp" read as "http"; "" when relative
    userinfo: str  # what comes before the last "@" of the authority ("" if none)
    host: str  # as Link.host: lower-case, punycode, IP literals as such ("" if none)
    port: int | None  # None when absent or unusable
    path: str
    query: str
    ip: bool = False  # the host is an IPv4 or IPv6 address
    numeric_ip: bool = False  # an IPv4 address written other than as four decimals


def _ipv4_part(part: str) -> int | None:
    base = 10
    if part[:2].lower() == "0x":
        part, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, base = part[1:], 8
    if part == "":
        return 0
    try:
        return int(part, base)
    except ValueError:
        return None


def ipv4(host: str) -> str | None:
    """The dotted form of what the URL Standard reads as an IPv4 address, else None."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _host(raw: str) -> tuple[str, bool, bool]:
    """(normalised host, is an IP address, is an IPv4 in a numeric disguise)."""
    if raw.startswith("["):
        inner = raw[1:].split("]", 1)[0]
        try:
            return f"[{ipaddress.IPv6Address(inner).compressed}]", True, False
        except ValueError:
            return raw.lower()[:255], False, False
    name = unquote(raw, errors="replace").strip().lower()
    dotted = ipv4(name)
    if dotted is not None:
        return dotted, True, dotted != name
    normal = domains.normalise(name)
    if normal is not None:
        return normal, False, False
    # Not a host name to the strict check (an underscore, a symbol): keep it in a form
    # that still compares, never as "" (that would read as "no host" to the signals).
    labels = []
    for label in re.split(r"[.\u3002\uff0e\uff61]", name.rstrip(".")):
        if label.isascii():
            labels.append(label)
        else:
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                labels.append(label.encode("ascii", "replace").decode())
    return ".".join(labels)[:255], False, False


def parse(url: str) -> Target:
    """``url`` taken apart as a browser would; never raises."""
    url = _INNER_WS.sub("", (url or "")[:MAX_HREF]).strip(_STRIP)
    match = _SCHEME.match(url)
    scheme, rest, defanged = "", url, False
    if match:
        written = match.group(1).lower()
        scheme, defanged = DEFANGED.get(written, written), written in DEFANGED
        rest = url[match.end():]
    elif url.lower().startswith("www."):
        scheme, rest = "http", "//" + url
    special = scheme in SPECIAL
    if special:
        rest = rest.replace("\\", "/")
        has_authority = True
        rest = rest.lstrip("/")
    else:
        has_authority = rest.startswith("//")
        rest = rest[2:] if has_authority else rest
    if not has_authority:
        path, _, query = rest.partition("?")
        return Target(scheme, "", "", None, path, query.partition("#")[0])
    end = len(rest)
    for stop in "/?#":
        at = rest.find(stop)
        if at != -1:
            end = min(end, at)
    authority, remainder = rest[:end], rest[end:]
    userinfo, _, hostport = authority.rpartition("@")
    host_raw, port = hostport, None
    if hostport.startswith("["):
        close = hostport.find("]")
        if close != -1:
            host_raw, tail = hostport[:close + 1], hostport[close + 1:]
            if tail.startswith(":") and tail[1:].isdigit():
                port = int(tail[1:]) if len(tail) < 8 else None
    elif ":" in hostport:
        host_raw, _, port_text = hostport.rpartition(":")
        if port_text.isdigit() and len(port_text) < 7:
            port = int(port_text)
    if defanged:  # "hxxps://evil[.]com" is written for people: read it as they would
        host_raw = re.sub(r"\[\.\]|\(\.\)|\[dot\]", ".", host_raw, flags=re.IGNORECASE)
    host, ip, numeric = _host(host_raw) if host_raw else ("", False, False)
    path, _, query = remainder.partition("?")
    return Target(scheme, userinfo, host, port, path.partition("#")[0],
                  query.partition("#")[0], ip, numeric)


def host_of(url: str) -> str:
    return parse(url).host


def defang(url: str) -> str:
    """``url`` written so that nothing makes it clickable again: ``hxxps://example[.]com``
    (the scheme defanged, the dots and any ``@`` of the host bracketed)."""
    url = (url or "")[:MAX_HREF]
    match = _SCHEME.match(url)
    prefix, rest = "", url
    if match:
        scheme = match.group(1).lower()
        if scheme in ("http", "https"):
            scheme = "hxxp" + scheme[4:]
        elif scheme == "ftp":
            scheme = "fxp"
        prefix, rest = scheme + ":", url[match.end():]
    slashes = len(rest) - len(rest.lstrip("/\\"))
    prefix, rest = prefix + rest[:slashes], rest[slashes:]
    cut = min((i for i in (rest.find(c) for c in "/?#\\") if i != -1), default=len(rest))
    authority = rest[:cut].replace("[.]", ".").replace(".", "[.]").replace("@", "[@]")
    return prefix + authority + rest[cut:]


def _link(href: str, text: str, base: str = "") -> Link | None:
    href = _INNER_WS.sub("", href[:MAX_HREF * 2]).strip(_STRIP)
    if not href or href.startswith("#"):
        return None
    match = _SCHEME.match(href)
    scheme = match.group(1).lower() if match else ""
    if scheme in NOT_WEB:
        return None
    if not scheme and base and not href.lower().startswith("www."):
        with contextlib.suppress(ValueError):
            href = urljoin(base, href)
    text = " ".join(text.split())[:MAX_TEXT]
    return Link(href=href[:MAX_HREF], text=text, host=parse(href).host)


class _Links(html.parser.HTMLParser):
    HIDDEN = {"script", "style", "head", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.links: list[Link] = []
        self.open: list[tuple[str, list[str]]] = []  # anchors not yet closed
        self.hidden = 0

    def _add(self, link: Link | None):
        if link is not None and len(self.links) < MAX_LINKS:
            self.links.append(link)

    def _close(self):
        href, parts = self.open.pop()
        self._add(_link(href, "".join(parts), self.base))

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and not self.base and values.get("href"):
            self.base = values["href"][:MAX_HREF]
        elif tag == "a":
            while self.open:  # an <a> inside an <a> closes the first, as browsers do
                self._close()
            if "href" in values:
                self.open.append((values["href"], []))
        elif tag == "area" and values.get("href"):
            self._add(_link(values["href"], values.get("alt", ""), self.base))
        elif tag == "form" and values.get("action"):
            self._add(_link(values["action"], "", self.base))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag == "a" and self.open:
            self._close()

    def handle_data(self, data):
        if self.open and not self.hidden:
            parts = self.open[-1][1]
            if sum(map(len, parts)) < MAX_TEXT * 2:
                parts.append(data)

    def finish(self) -> list[Link]:
        while self.open:
            self._close()
        return self.links


def _from_html(markup: str) -> list[Link]:
    parser = _Links()
    with contextlib.suppress(Exception):  # html.parser on hostile markup: keep what was read
        parser.feed(markup[:MAX_INPUT])
        parser.close()
    try:
        return parser.finish()
    except Exception:
        return parser.links


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if last in _PAIRS and url.count(_PAIRS[last]) >= url.count(last):
            break  # "(see https://en.wikipedia.org/wiki/Foo_(bar))" keeps its own ")"
        url = url[:-1]
    return url


def _from_text(text: str) -> list[Link]:
    found = []
    for match in _BARE.finditer(text[:MAX_INPUT]):
        url = _trim(match.group(0))
        if len(url) > 4:
            link = _link(url, "")
            if link is not None:
                found.append(link)
        if len(found) >= MAX_LINKS:
            break
    return found


def extract(html: str, text: str) -> tuple[Link, ...]:
    """The links of a message: those of its HTML first (with their visible text), then the
    bare URLs of its text not already among them; at most ``MAX_LINKS``."""
    links = _from_html(html) if html and isinstance(html, str) else []
    seen = {link.href for link in links}
    for link in _from_text(text) if text and isinstance(text, str) else []:
        if len(links) >= MAX_LINKS:
            break
        if link.href not in seen:
            seen.add(link.href)
            links.append(link)
    return tuple(links[:MAX_LINKS])
