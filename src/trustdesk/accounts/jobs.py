"""The accounts app's jobs: session clean-up."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings

from trustdesk.jobs.registry import job, schedule


@job(attempts=3, backoff=60)
def session_cleanup() -> int:
    """Delete expired sessions, and the session records (who is signed in where) of
    sessions that no longer exist, so the "signed in" list and the session table hold
    only live sign-ins."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    ended = 0
    for record in UserSession.objects.iterator():
        if not record.exists():
            record.delete()
            ended += 1
    return ended


schedule("sessions.cleanup", session_cleanup, every=dt.timedelta(hours=1), offset=
         dt.timedelta(minutes=17))
