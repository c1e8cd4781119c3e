"""The DNS resolver the gateway's checks use: dnspython with the configured servers and
a short bound on every lookup, one per process. Tests (and a deployment with no DNS at
all) put a ``StubResolver`` in its place with ``use``."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from trustdesk.mailgateway.analysis.dns import DnsPythonResolver, Resolver

_override: Resolver | None = None


@cache
def _configured() -> Resolver:
    servers = list(settings.DNS_NAMESERVERS) or None
    port = 53
    if servers and ":" in servers[0] and servers[0].count(":") == 1:
        host, _, port_text = servers[0].partition(":")
        servers, port = [host] + [s.partition(":")[0] for s in servers[1:]], int(port_text)
    return DnsPythonResolver(timeout=settings.DNS_TIMEOUT, lifetime=settings.DNS_TIMEOUT * 2,
                             nameservers=servers, port=port)


def resolver() -> Resolver:
    return _override if _override is not None else _configured()


def use(stub: Resolver | None) -> None:
    """Answer every lookup from ``stub`` (None: back to the configured resolver)."""
    global _override
    _override = stub
