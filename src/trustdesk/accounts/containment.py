"""What incident response does to a member of staff's account (docs/incidents.md):
sign them out, make them reset their password, revoke their tokens, suspend them.

The accounts app keeps these here, beside ``services`` and ``credentials``, so that an
account's invariants (a suspended account keeps no session nor token; a new password
ends every session) hold whoever asks. Each needs ``incident.act`` and a recent
re-authentication, and returns the counts its caller records; the caller records them
in its own transaction (the incident's ``incident.act`` event)."""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.roles import ADMIN
from trustdesk.accounts import sessions, token_cache
from trustdesk.accounts.credentials import password_replaced
from trustdesk.accounts.models import ApiToken, User
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied


def _check(actor: Actor, user: User) -> None:
    policy.require(actor, "incident.act")
    policy.require_reauthentication(actor)
    if user.pk == actor.user_id:
        raise PermissionDenied("You cannot act on your own account from an incident.")


def _revoke(user: User) -> int:
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=clock.now())
    token_cache.changed()  # a revoked token stops working now, not in a second
    return revoked


@transaction.atomic
def sign_out(*, actor: Actor, user: User) -> dict:
    _check(actor, user)
    return {"sessions_ended": sessions.end_all(user)}


@transaction.atomic
def force_password_reset(*, actor: Actor, user: User) -> dict:
    """The password stops working; every session and token ends (as after a reset), so
    the person signs in again only through a reset link sent to their own mailbox."""
    _check(actor, user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return password_replaced(actor=actor, user=user, reset=True)


@transaction.atomic
def revoke_tokens(*, actor: Actor, user: User) -> dict:
    _check(actor, user)
    return {"tokens_revoked": _revoke(user)}


@transaction.atomic
def suspend(*, actor: Actor, user: User) -> dict:
    """Disable the account as ``services.user_update`` does: nothing of it keeps working."""
    _check(actor, user)
    if user.is_active and user.role == ADMIN and not User.objects.filter(
            role=ADMIN, is_active=True).exclude(pk=user.pk).exists():
        # Only an admin re-enables an account: suspending the last one leaves nobody who
        # could lift any suspension.
        raise PermissionDenied("This is the only active admin: suspending them would leave "
                               "nobody who can re-enable accounts. Sign them out, reset "
                               "their password or revoke their tokens instead.")
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    counts = {"tokens_revoked": _revoke(user), "sessions_ended": sessions.end_all(user)}
    return {"suspended": int(was_active), **counts}
