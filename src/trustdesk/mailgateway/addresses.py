"""The gateway's tagged addresses, under a support address's local part after a "+":

- a ticket's reply address, ``support+t<id>.<sig>@example.com``: ``sig`` is a keyed
  digest of the route and the ticket id (the vault's blind index under a scope of its
  own), so nobody can write into another ticket by guessing its number;
- a bounce address (the envelope sender of a reply), ``support+bounce-<uid>@…``: the
  outbound mail's random uid, which delivery status notifications come back to.
"""

from __future__ import annotations

import hmac
import re
import uuid
from collections.abc import Iterable

from trustdesk import vault

SCOPE = "mail.ticket-address"
SIG_CHARS = 16  # 64 bits: forging one takes 2^63 tries on average, each a message
_TICKET_TAG = re.compile(r"t([1-9][0-9]{0,18})\.([0-9a-f]{16})")
_BOUNCE_TAG = re.compile(r"bounce-([0-9a-f]{32})")


def _split(address: str) -> tuple[str, str]:
    local, _, domain = address.strip().lower().rpartition("@")
    return local, domain


def _sig(route_address: str, ticket_id: int) -> str:
    return vault.blind_index(SCOPE, f"{route_address.lower()}\x00{ticket_id}")[:SIG_CHARS]


def ticket_address(route_address: str, ticket_id: int) -> str:
    local, domain = _split(route_address)
    return f"{local}+t{int(ticket_id)}.{_sig(f'{local}@{domain}', ticket_id)}@{domain}"


def parse_ticket_address(address: str, route_addresses: Iterable[str]) -> int | None:
    """The ticket id of a signed reply address of one of ``route_addresses``; None for
    an address without a tag, with a forged or truncated one, or of another route."""
    local, domain = _split(address or "")
    base, plus, tag = local.partition("+")
    match = _TICKET_TAG.fullmatch(tag) if plus else None
    if match is None:
        return None
    route = f"{base}@{domain}"
    if route not in {r.strip().lower() for r in route_addresses}:
        return None
    ticket_id = int(match.group(1))
    if not hmac.compare_digest(_sig(route, ticket_id), match.group(2)):
        return None
    return ticket_id


def bounce_address(route_address: str, outbound_uid: uuid.UUID) -> str:
    local, domain = _split(route_address)
    return f"{local}+bounce-{uuid.UUID(str(outbound_uid)).hex}@{domain}"


def parse_bounce_address(address: str) -> uuid.UUID | None:
    """The outbound mail's uid in a bounce address, or None. The uid is random (122
    bits), known to the relays the reply went through and to its recipient;
    ``bounces.mail_for_bounce_address`` also checks the address's route."""
    local, _ = _split(address or "")
    _, plus, tag = local.partition("+")
    match = _BOUNCE_TAG.fullmatch(tag) if plus else None
    return uuid.UUID(match.group(1)) if match else None
