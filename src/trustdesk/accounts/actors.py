"""Build the ``Actor`` a use case runs as, from a signed-in user or a token."""

from __future__ import annotations

import dataclasses

from trustdesk.accounts import reauth
from trustdesk.accounts.models import ApiToken, User
from trustdesk.core.actor import Actor


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")[:256]


def actor_for_user(user: User, *, request=None, token: ApiToken | None = None,
                   team_ids: frozenset[int] | None = None) -> Actor:
    """``team_ids``: the user's teams when the caller has just read them (a token's
    resolution does); otherwise they are read here."""
    ip, agent = _client(request)
    session = getattr(request, "session", None) if token is None else None
    return Actor(
        kind="token" if token else "agent",
        label=user.email,
        user_id=user.pk,
        role=user.role,
        team_ids=team_ids if team_ids is not None
        else frozenset(user.teams.values_list("pk", flat=True)),
        token_id=token.pk if token else None,
        scopes=frozenset(token.scopes) if token else None,
        ip=ip,
        user_agent=agent,
        session_key=(session.session_key or "") if session is not None else "",
        # Only a session can have confirmed a password just now; a token never has.
        reauthenticated=token is None and request is not None
        and reauth.recently_authenticated(request),
    )


def actor_for_cli(user: User | None = None, *, command: str) -> Actor:
    if user is None:
        return Actor.system(command)
    # Whoever runs the command line holds the server itself: a stronger credential
    # than a password typed again.
    return dataclasses.replace(actor_for_user(user), user_agent=f"cli:{command}",
                               reauthenticated=True)
