"""DNS facts about a sender that the gateway's policy weighs beside SPF, DKIM and DMARC:

- ``sender_domain``: can the domain receive mail at all (MX, or an address as the
  implicit MX of RFC 5321 §5.1)? A null MX (RFC 7505) says it never does — a reply to
  it cannot arrive, which a helpdesk wants to know before it opens a ticket;
- ``reverse_dns``: does the peer address have a PTR name that resolves back to it
  (forward-confirmed reverse DNS)?
- ``rbl``: which DNS blocklists (RFC 5782) list the peer address? None are asked unless
  the caller names them: a blocklist sees every address it is asked about.

Each returns a small record with a ``result`` and a sentence for a person. A failed
lookup is ``temperror``: neutral, never a hang and never a pass.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.mailgateway.analysis import domains
from trustdesk.mailgateway.analysis.dns import DnsUnavailable, Resolver, parse_mx

MAX_PTR = 10  # as SPF's limit on PTR names (RFC 7208 §4.6.4)
_LISTED = ipaddress.ip_network("127.0.0.0/24")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except (ValueError, AttributeError):
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class SenderDomain:
    result: str  # pass, nullmx, none, temperror
    explanation: str
    domain: str = ""
    mx: tuple[str, ...] = ()


def sender_domain(domain: str, resolver: Resolver) -> SenderDomain:
    name = domains.normalise(domain or "")
    if name is None or "." not in name:
        return SenderDomain("none", f"{domain!r} is not a domain name")
    try:
        records = [mx for mx in map(parse_mx, resolver.query(name, "MX")) if mx]
        if records:
            hosts = tuple(host for _, host in sorted(records))
            if all(host == "." for host in hosts):
                return SenderDomain("nullmx", f"{name} publishes a null MX: it accepts no "
                                    "mail, so a reply cannot be delivered", name, hosts)
            first = next(host for host in hosts if host != ".")
            return SenderDomain("pass", f"{name} receives mail at {first}", name, hosts)
        for kind in ("A", "AAAA"):
            if resolver.query(name, kind):
                return SenderDomain("pass", f"{name} has no MX; it receives mail at its "
                                    f"own address ({kind})", name)
    except DnsUnavailable:
        return SenderDomain("temperror", f"the DNS lookup for {name} failed", name)
    return SenderDomain("none", f"{name} has no MX and no address: it cannot receive mail",
                        name)


@dataclass(frozen=True)
class ReverseDns:
    result: str  # pass, none, mismatch, temperror
    explanation: str
    names: tuple[str, ...] = ()  # the PTR names; on a pass, the confirmed one first


def reverse_dns(ip: str, resolver: Resolver) -> ReverseDns:
    address = _ip(ip)
    if address is None:
        return ReverseDns("none", f"{ip!r} is not an IP address")
    try:
        ptrs = resolver.query(address.reverse_pointer, "PTR")
    except DnsUnavailable:
        return ReverseDns("temperror", f"the PTR lookup for {address} failed")
    names = tuple(dict.fromkeys(n.rstrip(".").lower() for n in ptrs if n))[:MAX_PTR]
    if not names:
        return ReverseDns("none", f"{address} has no reverse DNS name")
    kind, failed = ("A" if address.version == 4 else "AAAA"), False
    for name in names:
        try:
            forward = {_ip(a) for a in resolver.query(name, kind)}
        except DnsUnavailable:
            failed = True
            continue
        if address in forward:
            return ReverseDns("pass", f"{address} is {name}, which resolves back to it",
                              (name, *(n for n in names if n != name)))
    if failed:
        return ReverseDns("temperror", f"{address} is {names[0]}, but its forward lookup "
                          "failed", names)
    return ReverseDns("mismatch", f"{address} claims to be {names[0]}, which does not "
                      "resolve back to it", names)


@dataclass(frozen=True)
class Blocklists:
    result: str  # listed, clean, none (nothing asked), temperror
    explanation: str
    listed: tuple[str, ...] = ()  # the zones that list the address
    failed: tuple[str, ...] = ()  # the zones that could not be asked


def _reversed(address) -> str:
    # 192.0.2.1 -> 1.2.0.192; IPv6 -> its 32 nibbles, last first (RFC 5782 §2.1, §2.4)
    return address.reverse_pointer.rsplit(".", 2)[0]


def rbl(ip: str, zones: Iterable[str], resolver: Resolver) -> Blocklists:
    """Every zone is asked; an answer in 127.0.0.0/24 lists the address. Any other
    answer (some lists return 127.255.255.x to say they refused the query) counts as a
    zone that could not be asked."""
    names = [z for z in (domains.normalise(z) for z in zones) if z]
    if not names:
        return Blocklists("none", "no blocklist is configured")
    address = _ip(ip)
    if address is None:
        return Blocklists("none", f"{ip!r} is not an IP address")
    listed, failed = [], []
    for zone in dict.fromkeys(names):
        try:
            answers = {_ip(a) for a in resolver.query(f"{_reversed(address)}.{zone}", "A")}
        except DnsUnavailable:
            failed.append(zone)
            continue
        answers.discard(None)
        if any(a in _LISTED for a in answers):
            listed.append(zone)
        elif answers:
            failed.append(zone)
    if listed:
        return Blocklists("listed", f"{address} is listed by {', '.join(listed)}",
                          tuple(listed), tuple(failed))
    if failed:
        return Blocklists("temperror", f"{', '.join(failed)} could not be asked about "
                          f"{address}", (), tuple(failed))
    return Blocklists("clean", f"no configured blocklist lists {address}")
