"""Session lifetimes (ASVS 3.3.2): an idle timeout of 30 minutes (Django's session age,
refreshed on every request) and an absolute limit of 12 hours from sign-in (this
middleware). Sessions are tracked per person by allauth.usersessions, so people can see
and end their own, and an admin can end all of an agent's."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

LOGIN_AT = "trustdesk_login_at"


def mark_login(request) -> None:
    if hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:
                mark_login(request)
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)


def end_all(user, *, keep: str | None = None) -> int:
    """End every session of ``user`` but the one whose key is ``keep``; returns how many
    live ones were ended."""
    from allauth.usersessions.models import UserSession

    ended = 0
    for session in UserSession.objects.filter(user_id=user.pk).exclude(
            session_key=keep or ""):
        ended += session.exists()
        session.end()
        UserSession.objects.filter(pk=session.pk).delete()
    return ended
