"""What limits count as one client (the staff sign-in lockout, the portal's limits): an
IPv4 address, also when it arrives IPv4-mapped through an IPv6 socket, or an IPv6
client's /64 — what one subscriber is given, 2^64 addresses, each a fresh allowance if
counted alone. The same address written two ways (``::FFFF:192.0.2.1``,
``2001:DB8::1`` and ``2001:db8:0::1``) is one client."""

from __future__ import annotations

import ipaddress


def client_key(ip: str | None) -> str:
    try:
        addr = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ip or "-"
    if addr.version == 6 and addr.ipv4_mapped:
        return str(addr.ipv4_mapped)
    if addr.version == 6:
        return str(ipaddress.IPv6Network((int(addr), 64), strict=False))
    return str(addr)
