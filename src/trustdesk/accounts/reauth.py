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
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate

from trustdesk.accounts.mfa import policy as mfa_policy


def recently_authenticated(request) -> bool:
    """Whether the person behind ``request`` signed in, or confirmed their password or a
    second factor, within the re-authentication timeout. Signing in counts: someone who
    has just typed their password (and code) is not asked for them again."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(request, "session", None)):
        return False
    if did_recently_reauthenticate(request):
        return True
    records = get_authentication_records(request, user)
    if not records:
        return False
    if not any(r.get("method") == "mfa" for r in records) and mfa_policy.enrolled(user):
        return False  # a sign-in that skipped the person's second factor is not fresh
    return time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT

