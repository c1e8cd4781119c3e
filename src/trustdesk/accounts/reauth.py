"""Re-authentication before sensitive actions (changing MFA, exporting, issuing tokens,
revealing restricted data): the person confirms their password or a second factor again
unless they did so in the last ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds.

Built on allauth's mechanism, so the console shows allauth's confirm page (password,
authenticator code or security key) and then resumes the original request — a POST
included.

Console views, for everyone allowed to reach the view::

    @console_view
    @reauthentication_required
    def audit_export(request): ...

or inside the view, after the permission check (so that someone without the permission
is refused outright rather than asked for their password)::

    policy.require(actor, "agent.manage")
    if request.method == "POST":
        reauth.confirm(request)

An API endpoint called with the console session::

    reauth.require_recent(request)  # raises accounts.errors.ReauthenticationRequired

Bearer tokens have no interactive session to confirm; endpoints that take them rely on
the token's scopes and on MFA having been required to create the token.
"""

from __future__ import annotations

import time

from allauth.account import app_settings
from allauth.account.decorators import reauthentication_required as _allauth_required
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.core.exceptions import ReauthenticationRequired as _AskAgain

from trustdesk.accounts.errors import ReauthenticationRequired
from trustdesk.accounts.mfa import policy as mfa_policy

APP = "trustdesk"


def reauthentication_required(view=None, *, allow_get: bool = False):
    """Decorate a console view: a request without a recent confirmation is sent to the
    confirm page and replayed afterwards. With ``allow_get``, only POSTs are guarded."""
    decorator = _allauth_required(allow_get=allow_get, app=APP)
    return decorator(view) if view is not None else decorator


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


def confirm(request) -> None:
    """For console views: unless ``recently_authenticated(request)``, send the person to
    the confirm page; allauth's middleware replays this request once they confirm."""
    if not recently_authenticated(request):
        raise _AskAgain()


def require_recent(request) -> None:
    """Raise ``ReauthenticationRequired`` unless ``recently_authenticated(request)``."""
    if not recently_authenticated(request):
        raise ReauthenticationRequired()
