"""Re-authentication before sensitive actions (role and agent changes, unlocking,
issuing tokens, exports, erasure, restricted reveals and writes): the person must have
confirmed their password or a second factor, or signed in, in the last
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds.

The decision is the service's: ``actor_for_user`` sets ``Actor.reauthenticated`` from the
session with ``recently_authenticated``, and services call
``access.policy.require_reauthentication``, so no front door can skip it. The console
turns the resulting ``ReauthenticationRequired`` into allauth's confirm page (password,
authenticator code or security key), which then replays the original request, a POST
with its input included (``console.views.base``). Bearer tokens never count as recently
authenticated: what needs it is done with a session.
"""

from __future__ import annotations

import time

from allauth.account import app_settings
from allauth.account.internal.flows.login import get_authentication_records

from trustdesk.accounts.mfa import policy as mfa_policy


def recently_authenticated(request) -> bool:
    """Whether the person behind ``request`` signed in, or confirmed their password or a
    second factor, within the re-authentication timeout. Signing in counts: someone who
    has just typed their password (and code) is not asked for them again.

    Runs for every actor built from a session, so it reads the session alone until the
    last step is recent; only then may it ask whether the person has a second factor."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(request, "session", None)):
        return False
    records = get_authentication_records(request, user)
    if not records or time.time() - records[-1]["at"] >= app_settings.REAUTHENTICATION_TIMEOUT:
        return False
    if records[-1].get("reauthenticated"):
        return True  # a confirmation on allauth's confirm pages
    # A sign-in: fresh only if it passed the person's second factor, when they have one.
    return any(r.get("method") == "mfa" for r in records) or not mfa_policy.enrolled(user)
