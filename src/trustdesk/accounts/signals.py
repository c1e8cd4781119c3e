"""Sign-in and account events into the audit trail: successes, failures and sign-outs (the
attempted email is recorded, never the password); password changes and resets (which also
end sessions and revoke tokens, ``accounts.credentials``); changes to the sign-in
address."""

from __future__ import annotations

from allauth.account import signals as account
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from trustdesk.accounts import credentials
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
    actor = Actor.anonymous(attempted, ip=meta.get("REMOTE_ADDR"),
                            user_agent=meta.get("HTTP_USER_AGENT", ""))
    with transaction.atomic():
        record(actor=actor, action="auth.login_failed", outcome="denied")


def _acting(request, owner):
    # The signed-in person, or (a reset link, a confirmation link) the owner, who proved
    # control of the mailbox.
    user = getattr(request, "user", None)
    who = user if user is not None and user.is_authenticated else owner
    return actor_for_user(who, request=request)


def _password_changed(sender, request, user, **kwargs):
    # The session that changed it stays (allauth has already moved it to a new key).
    session = getattr(request, "session", None)
    credentials.password_replaced(actor=_acting(request, user), user=user, reset=False,
                                  keep_session_key=getattr(session, "session_key", None))


def _password_reset(sender, request, user, **kwargs):
    credentials.password_replaced(actor=_acting(request, user), user=user, reset=True)


def _email_event(action: str, request, user, **context) -> None:
    with transaction.atomic():
        record(actor=_acting(request, user), action=action, object_type="agent",
               object_id=user.pk, context=context)


def _email_added(sender, request, user, email_address, **kwargs):
    _email_event("auth.email_added", request, user, email=email_address.email)


def _email_removed(sender, request, user, email_address, **kwargs):
    _email_event("auth.email_removed", request, user, email=email_address.email)


def _email_confirmed(sender, request, email_address, **kwargs):
    _email_event("auth.email_confirmed", request, email_address.user,
                 email=email_address.email)


def _email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    _email_event("auth.email_changed", request, user,
                 **{"from": getattr(from_email_address, "email", None),
                    "to": to_email_address.email})


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="trustdesk-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="trustdesk-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="trustdesk-audit-login-failed")
    account.password_changed.connect(_password_changed, dispatch_uid="trustdesk-password-change")
    account.password_set.connect(_password_changed, dispatch_uid="trustdesk-password-set")
    account.password_reset.connect(_password_reset, dispatch_uid="trustdesk-password-reset")
    account.email_added.connect(_email_added, dispatch_uid="trustdesk-email-added")
    account.email_removed.connect(_email_removed, dispatch_uid="trustdesk-email-removed")
    account.email_confirmed.connect(_email_confirmed, dispatch_uid="trustdesk-email-confirmed")
    account.email_changed.connect(_email_changed, dispatch_uid="trustdesk-email-changed")
