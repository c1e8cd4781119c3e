"""Messages per minute per client (an IPv4 address or an IPv6 /64), per sender domain and
per recipient.

The counts live in ``accounts.counters`` (Redis when configured, so every replica of the
listener shares them; the database on the embedded default). A transaction is counted
when it starts (MAIL FROM) and per recipient (RCPT TO), so a client that is refused still
spends its allowance. Over a limit the client hears ``450 4.7.1`` and tries later, as
the SMTP standard expects of a deferral.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings

from trustdesk.accounts.counters import counters
from trustdesk.mailgateway.analysis import domains

WINDOW = 60
SLOW_DOWN = "450 4.7.1 Too many messages, please slow down and try again later"


def _key(kind: str, value: str) -> str:
    # Hashed: the counter table is no place for addresses.
    return f"mail:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def network_of(ip: str) -> str:
    """The client's /24 (IPv4) or /64 (IPv6): what one sender usually controls."""
    addr = ipaddress.ip_address(ip)
    if addr.version == 6 and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    prefix = 24 if addr.version == 4 else 64
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def client_of(ip: str) -> str:
    """What the per-client limits count as one client: an IPv4 address (also when it
    arrives IPv4-mapped through an IPv6 socket), or an IPv6 client's /64 — it holds
    2^64 addresses, so counting each one alone would give a fresh allowance per
    message or per session."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return str(ip)
    if addr.version == 6 and addr.ipv4_mapped:
        return str(addr.ipv4_mapped)
    return network_of(ip) if addr.version == 6 else str(addr)


def _over(kind: str, value: str, limit: int) -> bool:
    return counters().hit(_key(kind, value), WINDOW) > limit


def admit_sender(ip: str, mail_from: str) -> str | None:
    """None, or the reply that defers this transaction."""
    if _over("ip", client_of(ip), settings.SMTPD_RATE_PER_IP):
        return SLOW_DOWN
    domain = sender_domain(mail_from)
    if domain and _over("domain", domain, settings.SMTPD_RATE_PER_SENDER_DOMAIN):
        return SLOW_DOWN
    return None


def admit_recipient(address: str) -> str | None:
    # Counted per support address: every "+tag" of it is accepted, so counting each tag
    # alone would let a flood with a fresh tag per message past the limit.
    local, _, domain = (address or "").strip().strip("<>").lower().rpartition("@")
    if _over("rcpt", f"{local.split('+', 1)[0]}@{domain}", settings.SMTPD_RATE_PER_RECIPIENT):
        return SLOW_DOWN
    return None


def sender_domain(mail_from: str) -> str:
    _, _, domain = (mail_from or "").rpartition("@")
    # Counted per organisational domain, so subdomains share one allowance.
    return domains.organisational(domain) or domain.lower()[:253]
