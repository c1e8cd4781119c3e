"""DNS for the analysis, through a resolver the caller passes: short timeouts, and a
failure that says so (``DnsUnavailable``) instead of hanging — the checks turn it into a
``temperror`` result, which the gateway's policy treats as neutral.

``query(name, rdtype)`` answers the record types the checks need, each record as text:

- ``A``, ``AAAA``: the address (``192.0.2.1``, ``2001:db8::1``);
- ``MX``: ``"<preference> <host>"`` (``"10 mx.example.com"``), the host lower-cased and
  without its final dot; a null MX (RFC 7505) is ``"0 ."``;
- ``PTR``: the host name, lower-cased, without its final dot;
- ``TXT``: the record's strings joined (``txt(name)`` is ``query(name, "TXT")``).

A name that does not exist, or has no record of the type, answers ``[]``.

``DnsPythonResolver`` asks real servers with dnspython; ``StubResolver`` answers from a
table (tests, and analysing a message with no network at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

RDTYPES = ("A", "AAAA", "MX", "PTR", "TXT")
# In StubResolver's ``failing``: every lookup fails (a resolver with no network).
EVERY_NAME = "*"


class DnsUnavailable(Exception):
    """The lookup could not be answered now (timeout, server failure)."""


class Resolver(Protocol):
    def txt(self, name: str) -> list[str]:
        """The TXT records of ``name``, each joined from its strings; ``[]`` when the
        name has none or does not exist; ``DnsUnavailable`` when that cannot be told."""

    def query(self, name: str, rdtype: str) -> list[str]:
        """The records of type ``rdtype`` (one of ``RDTYPES``) at ``name``, as text (see
        the module's docstring); ``[]`` or ``DnsUnavailable`` as for ``txt``."""


def _key(name: str) -> str:
    return name.lower().rstrip(".")


def _rdtype(rdtype: str) -> str:
    kind = rdtype.upper()
    if kind not in RDTYPES:
        raise ValueError(f"{rdtype!r} is not one of {RDTYPES}")
    return kind


def parse_mx(record: str) -> tuple[int, str] | None:
    """``"10 mx.example.com"`` → ``(10, "mx.example.com")``; None if it is not that."""
    pref, _, host = record.strip().partition(" ")
    host = host.strip()
    if not pref.isdigit() or not host:
        return None
    return int(pref), (host if host == "." else host.rstrip(".").lower())


class StubResolver:
    """Answers from ``records`` (name → TXT records) and ``answers`` ((name, rdtype) →
    records, as text); lookups in ``failing`` raise ``DnsUnavailable`` — a name (every
    type), a (name, rdtype) pair, or ``EVERY_NAME``; anything else has no record.

    ``asked`` lists the names looked up, ``queries`` the (name, rdtype) pairs, in order.
    """

    def __init__(self, records: Mapping[str, Iterable[str]] | None = None,
                 failing: Iterable[str | tuple[str, str]] = (),
                 answers: Mapping[tuple[str, str], Iterable[str]] | None = None):
        self.answers: dict[tuple[str, str], list[str]] = {
            (_key(k), "TXT"): list(v) for k, v in (records or {}).items()}
        for (name, rdtype), values in (answers or {}).items():
            self.answers.setdefault((_key(name), _rdtype(rdtype)), []).extend(values)
        self.failing = {(_key(f[0]), _rdtype(f[1])) if isinstance(f, tuple) else _key(f)
                        for f in failing}
        self.asked: list[str] = []
        self.queries: list[tuple[str, str]] = []

    @property
    def records(self) -> dict[str, list[str]]:
        """The TXT table, by name."""
        return {name: v for (name, kind), v in self.answers.items() if kind == "TXT"}

    def txt(self, name: str) -> list[str]:
        return self.query(name, "TXT")

    def query(self, name: str, rdtype: str) -> list[str]:
        key, kind = _key(name), _rdtype(rdtype)
        self.asked.append(key)
        self.queries.append((key, kind))
        if EVERY_NAME in self.failing or key in self.failing or (key, kind) in self.failing:
            raise DnsUnavailable(f"{key} {kind}")
        return list(self.answers.get((key, kind), []))


class DnsPythonResolver:
    """dnspython's resolver with a bound on each query (``timeout``) and on the whole
    lookup (``lifetime``); ``nameservers`` overrides the system's (a local server)."""

    def __init__(self, *, timeout: float = 1.0, lifetime: float = 2.0,
                 nameservers: list[str] | None = None, port: int = 53):
        import dns.resolver

        self._resolver = dns.resolver.Resolver(configure=nameservers is None)
        if nameservers is not None:
            self._resolver.nameservers = nameservers
            self._resolver.port = port
        self._resolver.timeout, self._resolver.lifetime = timeout, lifetime

    def txt(self, name: str) -> list[str]:
        return self.query(name, "TXT")

    def query(self, name: str, rdtype: str) -> list[str]:
        import dns.exception
        import dns.name
        import dns.resolver

        kind = _rdtype(rdtype)
        try:
            qname = dns.name.from_text(name)
        except (dns.exception.DNSException, ValueError, UnicodeError):
            return []  # not a DNS name (a label too long, say): nothing can be there
        try:
            # No search list: a check asks for exactly the name it built.
            answer = self._resolver.resolve(qname, kind, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as exc:
            # Timeouts, SERVFAIL from every server, a truncated or garbled answer.
            raise DnsUnavailable(f"{name} {kind}") from exc
        return [_text(record, kind) for record in answer]


def _text(record, kind: str) -> str:
    import dns.name

    if kind in ("A", "AAAA"):
        return record.address
    if kind == "MX":
        host = "." if record.exchange == dns.name.root else record.exchange.to_text(True)
        return f"{record.preference} {host.lower()}"
    if kind == "PTR":
        return record.target.to_text(True).lower()
    return b"".join(record.strings).decode("utf-8", "replace")
