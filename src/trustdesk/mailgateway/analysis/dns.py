"""DNS for the analysis, through a resolver the caller passes: TXT records only, short
timeouts, and a failure that says so (``DnsUnavailable``) instead of hanging — the checks
turn it into a ``temperror`` result, which the gateway's policy treats as neutral.

``DnsPythonResolver`` asks real servers with dnspython; ``StubResolver`` answers from a
table (tests, and analysing a message with no network at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class DnsUnavailable(Exception):
    """The lookup could not be answered now (timeout, server failure)."""


class Resolver(Protocol):
    def txt(self, name: str) -> list[str]:
        """The TXT records of ``name``, each joined from its strings; ``[]`` when the
        name has none or does not exist; ``DnsUnavailable`` when that cannot be told."""


class StubResolver:
    """Answers from ``records`` (name → TXT records); names in ``failing`` raise
    ``DnsUnavailable``; anything else has no record."""

    def __init__(self, records: Mapping[str, Iterable[str]] | None = None,
                 failing: Iterable[str] = ()):
        self.records = {k.lower().rstrip("."): list(v) for k, v in (records or {}).items()}
        self.failing = {n.lower().rstrip(".") for n in failing}
        self.asked: list[str] = []

    def txt(self, name: str) -> list[str]:
        key = name.lower().rstrip(".")
        self.asked.append(key)
        if key in self.failing:
            raise DnsUnavailable(key)
        return list(self.records.get(key, []))


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
        import dns.exception
        import dns.resolver

        try:
            answer = self._resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except (dns.exception.Timeout, dns.resolver.NoNameservers,
                dns.resolver.LifetimeTimeout) as exc:
            raise DnsUnavailable(name) from exc
        except dns.exception.DNSException as exc:
            raise DnsUnavailable(name) from exc
        return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]
