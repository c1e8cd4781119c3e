"""The client's address behind a TLS proxy.

Behind a proxy every connection comes from the proxy, so ``REMOTE_ADDR`` names it, not
the person: the audit trail would record the proxy's address for everyone and the
per-address sign-in throttle would count every person's failures together (and then
throttle all of them). ``X-Forwarded-For`` names the client, but anyone can send it, so
it is believed only from a connection that comes from a proxy the operator lists
(``TRUSTDESK_TRUSTED_PROXIES``), and only as far as that list reaches: read from the
right, each address a trusted proxy appended is taken, and the first address that is not
a trusted proxy is the client. Whatever the client itself wrote further left is ignored.
With no trusted proxies (the default) the header is never read.

Once proxies are listed, ``X-Forwarded-Proto`` (which ``TRUSTDESK_BEHIND_PROXY`` has
Django believe) is also dropped from any connection that does not come from one of them,
so nobody who reaches a replica directly can pass a plain-HTTP request off as HTTPS.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.ipv4_mapped if address.version == 6 and address.ipv4_mapped else address


def _trusted(address) -> bool:
    return address is not None and any(address in n for n in settings.TRUSTED_PROXIES)


def client_address(remote: str, forwarded_for: str) -> str:
    """The client's address for a connection from ``remote`` carrying
    ``X-Forwarded-For: forwarded_for``."""
    if not _trusted(_address(remote)):
        return remote
    client = remote
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break  # not an address: nothing further left can be trusted either
        client = str(address)
        if not _trusted(address):
            break
    return client


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TRUSTED_PROXIES:
            meta = request.META
            remote = meta.get("REMOTE_ADDR", "")
            if not _trusted(_address(remote)):
                meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta["REMOTE_ADDR"] = client_address(remote, meta.get("HTTP_X_FORWARDED_FOR", ""))
        return self.get_response(request)
