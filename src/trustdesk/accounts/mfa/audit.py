"""MFA events into the audit trail.

Changes are recorded from the model signals of allauth's ``Authenticator``, so the event
is written in the transaction that adds, removes or uses up the authenticator (if the
audit write fails, so does the change):

- ``mfa.add`` / ``mfa.remove`` — a TOTP app, security key or set of recovery codes
  (regenerating recovery codes is a removal and an addition in one transaction);
- ``mfa.recovery_code_used`` — a recovery code spent, with how many are left.

Uses and failures come from allauth's own signals: ``auth.mfa`` (a second factor passed at
sign-in or re-authentication) and ``auth.mfa_failed`` (a wrong code or key).
"""

from __future__ import annotations

from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.services import record


def _actor(owner):
    request = context.request
    user = getattr(request, "user", None)
    # The person acting: the signed-in user, or (during the sign-in itself) the owner.
    who = user if user is not None and user.is_authenticated else owner
    return actor_for_user(who, request=request)


def _record(authenticator: Authenticator, action: str, **extra) -> None:
    owner = authenticator.user
    with transaction.atomic():
        record(actor=_actor(owner), action=action, object_type="agent", object_id=owner.pk,
               outcome=extra.pop("outcome", "allowed"),
               context={"type": authenticator.type, "authenticator": authenticator.pk,
                        **extra})


def _recovery_codes_left(authenticator: Authenticator) -> tuple[int, int]:
    used = bin(int(authenticator.data.get("used_mask", 0))).count("1")
    total = len(authenticator.wrap().generate_codes())
    return used, total - used


def _saved(sender, instance: Authenticator, created: bool, update_fields=None, **kwargs):
    if created:
        _record(instance, "mfa.add")
    elif instance.type == Authenticator.Type.RECOVERY_CODES and update_fields is None:
        # allauth saves the whole row only when it marks a recovery code used (viewing the
        # codes and recording a use name their fields).
        used, left = _recovery_codes_left(instance)
        _record(instance, "mfa.recovery_code_used", used=used, left=left)


def _deleted(sender, instance: Authenticator, **kwargs):
    _record(instance, "mfa.remove")


def _used(sender, request, user, authenticator, reauthenticated=False, passwordless=False,
          **kwargs):
    _record(authenticator, "auth.mfa", reauthenticated=bool(reauthenticated),
            passwordless=bool(passwordless))


def _failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    _record(authenticator, "auth.mfa_failed", outcome="denied",
            reauthentication=bool(reauthentication))


def connect() -> None:
    post_save.connect(_saved, sender=Authenticator, dispatch_uid="trustdesk-mfa-saved")
    post_delete.connect(_deleted, sender=Authenticator, dispatch_uid="trustdesk-mfa-deleted")
    mfa_signals.authenticator_used.connect(_used, dispatch_uid="trustdesk-mfa-used")
    mfa_signals.authentication_failed.connect(_failed, dispatch_uid="trustdesk-mfa-failed")
