"""Use cases around a person's credentials: what follows a new password, and changing
the sign-in address.

A new password (changed, reset or set) ends the person's other sessions — all of them
after a reset, which proves only control of the mailbox — and revokes their API tokens,
so whoever held the old password, a session or a token is out. Recorded as
``auth.password_change`` / ``auth.password_reset``.

The sign-in address is the one an admin gave the account. Nobody changes their own
(allauth's address page is read-only in TrustDesk, see ``accounts.views``); an agent
manager changes someone else's, after confirming their own password
(``email_change_request``). The new address takes effect only once its owner confirms it
from that mailbox (allauth's confirmation link); then it replaces the old one, which is
told by mail. Until then it cannot sign in, nor receive a password reset.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.accounts import sessions, token_cache
from trustdesk.accounts.errors import EmailTaken
from trustdesk.accounts.models import ApiToken, User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError


@transaction.atomic
def password_replaced(*, actor: Actor, user: User, reset: bool,
                      keep_session_key: str | None = None) -> dict:
    """After ``user``'s password changed (``reset``: through a reset link): end their
    sessions but ``keep_session_key`` (none are kept after a reset) and revoke their API
    tokens. Returns the counts that are recorded."""
    keep = None if reset else keep_session_key
    ended = sessions.end_all(user, keep=keep)
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=clock.now())
    token_cache.changed()
    counts = {"sessions_ended": ended, "tokens_revoked": revoked}
    record(actor=actor, action="auth.password_reset" if reset else "auth.password_change",
           object_type="agent", object_id=user.pk, context=counts)
    return counts


def _normalised(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip()).lower()
    if "@" not in email:
        raise ValidationError("Enter a valid email address.", field="email")
    return email


def _in_use(email: str, user: User) -> bool:
    from allauth.account.models import EmailAddress

    return (User.objects.filter(email=email).exclude(pk=user.pk).exists()
            or EmailAddress.objects.filter(email=email).exclude(user=user).exists())


@transaction.atomic
def email_change_request(*, actor: Actor, user_id: int, email: str):
    """Ask for ``user_id``'s sign-in address to become ``email``: a confirmation link goes
    to the new address, and nothing changes until it is used. A newer request replaces
    a pending one. Returns the pending allauth ``EmailAddress``."""
    from allauth.account.models import EmailAddress

    policy.require(actor, "agent.manage")
    policy.require_reauthentication(actor)  # it moves where the account's recovery goes
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    if user.pk == actor.user_id:
        # Like a role, one's own sign-in address takes a second admin: a session taken
        # over must not be able to move the account's recovery to another mailbox.
        raise PermissionDenied("You cannot change your own sign-in address.")
    email = _normalised(email)
    if email == user.email:
        raise ValidationError("That is already the sign-in address.", field="email")
    if _in_use(email, user):
        raise EmailTaken(field="email")
    # The current address is allauth's verified primary, so that confirming the new one
    # replaces it and allauth tells the old address (ACCOUNT_CHANGE_EMAIL).
    EmailAddress.objects.filter(user=user).exclude(email=user.email).delete()
    EmailAddress.objects.update_or_create(user=user, email=user.email,
                                          defaults={"primary": True, "verified": True})
    try:
        with transaction.atomic():
            pending = EmailAddress.objects.create(user=user, email=email, primary=False,
                                                  verified=False)
    except IntegrityError:
        raise EmailTaken(field="email") from None
    record(actor=actor, action="agent.email_change_requested", object_type="agent",
           object_id=user.pk, context={"from": user.email, "to": email})
    # Inside the transaction: if the mail cannot be sent, nothing is pending.
    pending.send_confirmation()
    return pending
