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


def end_all(user) -> int:
    """End every session of ``user``; returns how many."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user_id=user.pk))
    for session in sessions:
        session.end()
    return len(sessions)
