"""What a bearer token resolves to, kept per process for at most ``TTL`` seconds.

Resolving a token costs three queries (the token with its owner, whether the owner has a
second factor, the owner's teams) on every API call, though they change rarely. Each
process keeps the answer for ``TTL`` seconds, keyed by the token's digest (never the
secret), so a revoked or expired token, a disabled owner, a changed role or team, or a
removed second factor takes effect within that time on every server process — the same
bound as the role permissions (``access.grants``). The process that makes such a change
forgets everything at once, and again when its transaction commits (a request in between
may have read the old rows). Expiry is checked against the clock on every call.

The entries are copies: a request never sees another request's changes to its user.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass

from django.db import transaction

TTL = 1.0
MAX_ENTRIES = 10_000
_lock = threading.Lock()
_entries: dict[str, tuple[float, Resolved]] = {}


@dataclass(frozen=True)
class Resolved:
    token: object  # ApiToken, with .user
    has_second_factor: bool
    team_ids: frozenset[int]

    def copies(self):
        """(user, token) for one request, sharing nothing it could change."""
        token = copy.copy(self.token)
        user = copy.copy(self.token.user)
        token.user = user
        return user, token


def get(digest: str) -> Resolved | None:
    entry = _entries.get(digest)
    if entry is None or time.monotonic() - entry[0] > TTL:
        return None
    return entry[1]


def put(digest: str, resolved: Resolved, *, loaded_at: float) -> None:
    """Keep ``resolved``, read from the database at ``loaded_at`` (monotonic, taken before
    the reads), so its age counts from before the rows were read."""
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = (loaded_at, resolved)


def clear() -> None:
    with _lock:
        _entries.clear()


def changed() -> None:
    """A use case changed what tokens resolve to: forget now and once it commits."""
    clear()
    transaction.on_commit(clear)


def _saved(sender, **kwargs) -> None:
    changed()


def connect() -> None:
    """Forget on any save or delete of what a token resolves to, whoever makes it (a use
    case, allauth removing an authenticator, a command): this process follows at once,
    the others within ``TTL``. Bulk ``update()`` sends no signal; the use cases that use
    one call ``changed`` themselves."""
    from allauth.mfa.models import Authenticator
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from trustdesk.accounts.models import ApiToken, User

    for model in (User, ApiToken, Authenticator):
        post_save.connect(_saved, sender=model, dispatch_uid=f"token-cache-{model.__name__}")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"token-cache-d-{model.__name__}")
    m2m_changed.connect(_saved, sender=User.teams.through, dispatch_uid="token-cache-teams")
