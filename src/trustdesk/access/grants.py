"""Each role's permissions now: the shipped defaults, or an admin's edit of them.

Permission checks are the hottest read in TrustDesk (several per request), so the table
is cached per process and re-read at most every ``GRANTS_TTL`` seconds; the process that
makes a change drops its cache at once. Other server processes therefore follow an edit
within that many seconds (a removal too) — documented in docs/access.md. If the table
cannot be read, checks fail (the error propagates): no permission is assumed.
"""

from __future__ import annotations

import threading
import time

from trustdesk.access.roles import ROLE_PERMISSIONS

GRANTS_TTL = 2.0
_lock = threading.Lock()
_cache: tuple[float, dict[str, frozenset[str]]] | None = None
# Between a change and its commit nothing is cached: a rollback must not leave the
# uncommitted table behind.
_unsettled = False


def _load() -> dict[str, frozenset[str]]:
    from trustdesk.access.models import RoleGrant  # the app registry is ready by now

    table = dict(ROLE_PERMISSIONS)
    for role, permissions in RoleGrant.objects.values_list("role", "permissions"):
        if role in table:
            table[role] = frozenset(permissions)
    return table


def table() -> dict[str, frozenset[str]]:
    """Every shipped role's current permissions."""
    global _cache
    if _unsettled:
        return _load()
    now = time.monotonic()
    cached = _cache
    if cached is None or now - cached[0] > GRANTS_TTL:
        with _lock:
            cached = _cache = (now, _load())
    return cached[1]


def permissions_for(role: str) -> frozenset[str]:
    return table().get(role, frozenset())


def changed() -> None:
    """A use case changed the table in its transaction (call ``settled`` on commit)."""
    global _cache, _unsettled
    _cache, _unsettled = None, True


def settled() -> None:
    global _cache, _unsettled
    _cache, _unsettled = None, False
