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

from allauth.account.decorators import reauthentication_required as _allauth_required
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.core.exceptions import ReauthenticationRequired as _AskAgain

from trustdesk.accounts.errors import ReauthenticationRequired

APP = "trustdesk"


def reauthentication_required(view=None, *, allow_get: bool = False):
    """Decorate a console view: a request without a recent confirmation is sent to the
    confirm page and replayed afterwards. With ``allow_get``, only POSTs are guarded."""
    decorator = _allauth_required(allow_get=allow_get, app=APP)
    return decorator(view) if view is not None else decorator


def recently_authenticated(request) -> bool:
    """Whether the person behind ``request`` confirmed their password or a second factor
    within the re-authentication timeout."""
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and did_recently_reauthenticate(request))


def confirm(request) -> None:
    """For console views: unless ``recently_authenticated(request)``, send the person to
    the confirm page; allauth's middleware replays this request once they confirm."""
    if not recently_authenticated(request):
        raise _AskAgain()


def require_recent(request) -> None:
    """Raise ``ReauthenticationRequired`` unless ``recently_authenticated(request)``."""
    if not recently_authenticated(request):
        raise ReauthenticationRequired()
