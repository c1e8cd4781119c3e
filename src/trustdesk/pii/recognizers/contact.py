"""E-mail addresses, IP addresses and URLs (phone numbers: ``phone``)."""

from __future__ import annotations

import ipaddress
import re

from trustdesk.pii.recognizers.base import (
    Context,
    PatternRecognizer,
    ScanOptions,
)


class EmailRecognizer(PatternRecognizer):
    """local@domain.tld. Found from each "@" outwards: a regex that starts with the local
    part would try every word of the text as the start of an address."""

    name = "email"
    entities = ("EMAIL_ADDRESS",)
    score = 1.0
    needles = ("@",)
    pattern = re.compile("@")
    # ASCII local part and TLD: Chinese text glues addresses to the words around them
    # ("邮箱ada@example.cn谢谢"); domain labels may be internationalized.
    _domain = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}[A-Za-z]{2,24}"
                         r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9])")
    _local = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}\Z")

    def find(self, text: str, opts: ScanOptions):
        for at in self.pattern.finditer(text):
            i = at.start()
            domain = self._domain.match(text, i + 1)
            if domain is None:
                continue
            local = self._local.search(text, max(0, i - 65), i)
            if local is None or (local.start() == i - 65):
                continue  # no local part, or one longer than 64 characters
            part = local.group()
            if part.startswith(".") or part.endswith(".") or ".." in part:
                continue
            yield self.finding(local.start(), domain.end(), self.score)


class IpAddressRecognizer(PatternRecognizer):
    """IPv4 dotted quads and IPv6 addresses, checked by ``ipaddress`` (no leading zeros,
    octets ≤ 255). A quad after "version" or "build" is a version number. IPv6 is found
    from its colons outwards, as e-mail is from its "@"."""

    name = "ip_address"
    entities = ("IP_ADDRESS",)
    score = 0.95
    negative = Context(("version", "ver", "build", "release", "firmware", "v", "rev"),
                       before=12)
    # ASCII edges: Chinese text glues addresses to words ("IP地址72.6.78.88").
    pattern = re.compile(
        r"\d(?<![0-9A-Za-z_.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![0-9A-Za-z_]|\.\d)")
    _colons = re.compile(r":[0-9A-Fa-f]{0,4}:")
    _left = re.compile(r"[0-9A-Fa-f:]{0,40}\Z")
    _right = re.compile(r"(?:[0-9A-Fa-f]{0,4}:)*(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            start = m.start()
            if self.negative.label_distance(text, start) is None and _is_ip(m.group()):
                yield self.finding(start, m.end(), self.score)
        if ":" in text:
            yield from self._v6(text)

    def _v6(self, text: str):
        done = 0
        for m in self._colons.finditer(text):
            if m.start() < done:
                continue
            left = self._left.search(text, max(0, m.start() - 40), m.start())
            start = left.start()
            end = self._right.match(text, m.start()).end()
            done = end
            if (start and _ascii_word(text[start - 1], "_.:")) or (
                    end < len(text) and _ascii_word(text[end], "_")):
                continue
            value = text[start:end]
            if value.endswith(":") and not value.endswith("::"):
                value = value.rstrip(":")
            if sum(c != ":" for c in value) >= 3 and _is_ip(value):
                yield self.finding(start, start + len(value), self.score)


def _ascii_word(c: str, extra: str) -> bool:
    return (c.isascii() and c.isalnum()) or c in extra


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class UrlRecognizer(PatternRecognizer):
    """http(s)/ftp URLs and www. addresses. Trailing punctuation belongs to the sentence,
    a closing bracket only if the URL opened one."""

    name = "url"
    entities = ("URL",)
    score = 0.6
    needles_ci = ("http", "www.", "ftp:")
    pattern = re.compile(
        r"[hHfFwW](?:(?<=[hH])(?i:ttps?://)|(?<=[fF])(?i:tp://)|(?<![\w.@/].)(?<=[wW])(?i:ww\.))"
        r"[^\s<>\"'`\u3000-\u303f\uff00-\uffef]+")

    def find(self, text: str, opts: ScanOptions):
        for m in self.pattern.finditer(text):
            value = m.group()
            while value and value[-1] in ".,;:!?'\"":
                value = value[:-1]
            for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
                while value.endswith(close) and value.count(close) > value.count(open_):
                    value = value[:-1]
            host = value.split("://", 1)[-1].split("/", 1)[0]
            if "." not in host:
                continue  # localhost, intranet names: not somebody's address
            yield self.finding(m.start(), m.start() + len(value), self.score)
