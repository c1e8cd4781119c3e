"""Who must have a second factor, and who has one.

Privileged roles (admin, supervisor, security officer, privacy officer) always need one;
``TRUSTDESK_MFA_REQUIRED=all`` extends that to everybody. A second factor is a TOTP app
or a security key; recovery codes only stand in for one.
"""

from __future__ import annotations

from django.conf import settings

from trustdesk.access.roles import PRIVILEGED_ROLES


def required(user) -> bool:
    """Whether ``user`` must have a second factor before reaching anything else."""
    return settings.REQUIRE_MFA == "all" or getattr(user, "role", "") in PRIVILEGED_ROLES


def enrolled(user) -> bool:
    """Whether ``user`` has a TOTP app or a security key."""
    if getattr(user, "pk", None) is None:
        return False
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user_id=user.pk, type__in=(Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
    ).exists()


def missing(user) -> bool:
    """Whether ``user`` needs a second factor and has none: they may reach only their
    sign-in security settings until they enrol."""
    return required(user) and not enrolled(user)
