"""Sign-in events into the audit trail: successes, failures and sign-outs (the attempted
email is recorded, never the password)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from trustdesk.accounts.actors import actor_for_user
from trustdesk.accounts.sessions import mark_login
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor


def _logged_in(sender, request, user, **kwargs):
    mark_login(request)
    with transaction.atomic():
        record(actor=actor_for_user(user, request=request), action="auth.login",
               object_type="agent", object_id=user.pk)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            record(actor=actor_for_user(user, request=request), action="auth.logout",
                   object_type="agent", object_id=user.pk)


def _login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("email") or credentials.get("login")
                    or credentials.get("username") or "")[:254]
    meta = getattr(request, "META", {}) if request is not None else {}
    actor = Actor(kind="anonymous", label=attempted.lower() or "(unknown)",
                  ip=meta.get("REMOTE_ADDR"), user_agent=meta.get("HTTP_USER_AGENT", "")[:256])
    with transaction.atomic():
        record(actor=actor, action="auth.login_failed", outcome="denied")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="trustdesk-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="trustdesk-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="trustdesk-audit-login-failed")
