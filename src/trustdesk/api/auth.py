"""Who is calling the API: a bearer token for scripts, the console session for the
browser (with its CSRF check). Either way the request gets its ``Actor``."""

from __future__ import annotations

import logging

from ninja.security import HttpBearer, SessionAuth

from trustdesk.accounts.actors import actor_for_user
from trustdesk.accounts.errors import InvalidToken
from trustdesk.accounts.services import token_resolve
from trustdesk.core.actor import Actor

log = logging.getLogger("trustdesk.api.auth")


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        try:
            user, api_token, team_ids = token_resolve(token)
        except InvalidToken as exc:
            log.info("bearer token refused from %s: %s", request.META.get("REMOTE_ADDR"),
                     exc.detail)
            return None
        request.actor = actor_for_user(user, request=request, token=api_token,
                                       team_ids=team_ids)
        return user


class ConsoleSession(SessionAuth):
    def __call__(self, request):
        # Without a signed-in session there is nothing for CSRF to protect: answer 401
        # (not a CSRF 403) to scripts whose token is missing or invalid.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)  # the CSRF check, then authenticate()

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        request.actor = actor_for_user(user, request=request)
        return user


def actor(request) -> Actor:
    return request.actor
