"""Exact-match customer search is an oracle: "is ada@example.org a customer?" is answered
by whether the list comes back empty, even for a customer whose profile the searcher may
not open. So searches by value are limited per person, a burst alerts security
officers, and each searched value is kept in the audit trail as a keyed hash — equal
values give equal hashes, so repeated guessing shows, and nobody without the vault's
key can tell what was searched.

Limits (``CUSTOMER_SEARCH_LIMIT`` searches per ``CUSTOMER_SEARCH_WINDOW`` seconds, per
person) are counted in the counters the sign-in lockout uses (the database, or Redis),
so every server process shares them. Listing without a search value is not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from django.conf import settings
from django.db import transaction

from trustdesk import vault
from trustdesk.access.services import alert_search_burst
from trustdesk.accounts.counters import Counters, DatabaseCounters, RedisCounters
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import RateLimited, TrustDeskError
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.values import normalise_value

# The hashes' own scope: never equal to the blind index the lookup uses, so the trail
# cannot be joined to the customers' table to name the customer who was found.
HASH_SCOPE = "audit.search:"


@cache
def _counters() -> Counters:
    if settings.REDIS_URL:
        return RedisCounters(settings.REDIS_URL, f"{settings.REDIS_PREFIX}search:")
    return DatabaseCounters()


def searched_hashes(match: Mapping[str, str] | None) -> dict[str, str]:
    """Each searched field's value as a keyed hash (the vault's blind-index recipe, in
    a scope of its own), normalised as stored, so ``Ada@Example.org`` and
    ``ada@example.org`` hash alike."""
    inventory = get_inventory()
    out = {}
    for name, raw in (match or {}).items():
        spec = inventory.get(name)
        try:
            value = normalise_value(spec, raw) if spec else str(raw)
        except TrustDeskError:
            value = str(raw)
        out[str(name)[:64]] = vault.blind_index(f"{HASH_SCOPE}{name}", value)
    return out


def admit(*, actor: Actor, match: Mapping[str, str] | None) -> None:
    """Count one search by value for ``actor``; over the limit, record the refused
    search (with its hashes), alert security officers at the first refusal of a window,
    and raise ``RateLimited``. Call outside the search's transaction: the count, the
    refusal and the alert must outlive the refused search."""
    if not match or actor.user_id is None:
        return
    limit, window = settings.CUSTOMER_SEARCH_LIMIT, settings.CUSTOMER_SEARCH_WINDOW
    count = _counters().hit(f"search:user:{actor.user_id}", window)
    if count <= limit:
        return
    with transaction.atomic():
        record(actor=actor, action="customer.list", object_type="customer",
               outcome="denied",
               context={"rate_limited": True, "searches": count, "limit": limit,
                        "window": window, "searched": searched_hashes(match)})
        if count == limit + 1:  # once per window: the burst, not every refusal after it
            alert_search_burst(actor=actor, field=",".join(sorted(match)),
                               searches=count, window=window)
    raise RateLimited(f"You searched customers {limit} times in {window // 60 or 1} "
                      "minutes; wait before searching again.", retry_after=window)
