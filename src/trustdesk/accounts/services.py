"""Use cases that change agents, teams and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.access.roles import ROLE_LABELS
from trustdesk.accounts import lockout, sessions, token_cache
from trustdesk.accounts.errors import (
    EmailTaken,
    InvalidToken,
    MfaRequired,
    TeamNameTaken,
    WeakPassword,
)
from trustdesk.accounts.mfa import policy as mfa_policy
from trustdesk.accounts.models import ApiToken, Team, User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError

TOKEN_PREFIX = "tdk"  # noqa: S105 (a public marker, not a secret)


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise WeakPassword(" ".join(exc.messages), field="password") from None


def _check_role(role: str) -> None:
    if role not in ROLE_LABELS:
        raise ValidationError(f"Unknown role {role!r}.", field="role")


def _teams(team_ids: Iterable[int]) -> list[Team]:
    ids = set(team_ids)
    teams = list(Team.objects.filter(pk__in=ids))
    if len(teams) != len(ids):
        raise ValidationError("Unknown team.", field="team_ids")
    return teams


@transaction.atomic
def user_create(
    *, actor: Actor, email: str, full_name: str, role: str, password: str,
    team_ids: Iterable[int] = (),
) -> User:
    policy.require(actor, "agent.manage")
    policy.require_reauthentication(actor)  # a new account, maybe a privileged one
    _check_role(role)
    email = User.objects.normalize_email(email.strip()).lower()
    user = User(email=email, full_name=full_name.strip(), role=role)
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise EmailTaken(field="email") from None
    user.teams.set(_teams(team_ids))
    record(actor=actor, action="agent.create", object_type="agent", object_id=user.pk,
           context={"role": role})
    return user


@transaction.atomic
def user_update(
    *, actor: Actor, user_id: int, full_name: str | None = None, role: str | None = None,
    is_active: bool | None = None, team_ids: Iterable[int] | None = None,
) -> User:
    policy.require(actor, "agent.manage")
    policy.require_reauthentication(actor)  # roles and disabling change who sees what
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    changed: list[str] = []
    if role is not None and role != user.role:
        _check_role(role)
        if user.pk == actor.user_id:
            # Nobody changes their own privileges; that takes a second admin.
            raise PermissionDenied("You cannot change your own role.")
        user.role = role
        changed.append("role")
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name = full_name.strip()
        changed.append("full_name")
    if is_active is not None and is_active != user.is_active:
        if user.pk == actor.user_id and not is_active:
            raise PermissionDenied("You cannot disable your own account.")
        user.is_active = is_active
        changed.append("is_active")
        if not is_active:
            # A disabled account keeps no working credentials: tokens and sessions end.
            ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=clock.now())
            sessions.end_all(user)
    user.save()
    if team_ids is not None:
        user.teams.set(_teams(team_ids))
        changed.append("teams")
    token_cache.changed()  # role, teams, or a disabled owner: what a token resolves to
    record(actor=actor, action="agent.update", object_type="agent", object_id=user.pk,
           fields=changed, context={"role": user.role, "is_active": user.is_active})
    return user


def _managed_user(actor: Actor, user_id: int) -> User:
    policy.require(actor, "agent.manage")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


@transaction.atomic
def user_end_sessions(*, actor: Actor, user_id: int) -> int:
    """End every session of an agent (a lost laptop, a suspected takeover)."""
    user = _managed_user(actor, user_id)
    ended = sessions.end_all(user)
    record(actor=actor, action="agent.end_sessions", object_type="agent", object_id=user.pk,
           context={"sessions": ended})
    return ended


@transaction.atomic
def user_unlock(*, actor: Actor, user_id: int) -> User:
    """Lift a sign-in lockout before it expires (an admin, after checking with the agent)."""
    user = _managed_user(actor, user_id)
    policy.require_reauthentication(actor)  # lifts a protection against password guessing
    was_locked = lockout.is_locked(user.email)
    lockout.unlock(user.email)
    record(actor=actor, action="agent.unlock", object_type="agent", object_id=user.pk,
           context={"was_locked": was_locked})
    return user


@transaction.atomic
def team_create(*, actor: Actor, name: str, description: str = "") -> Team:
    policy.require(actor, "team.manage")
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.", field="name")
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, description=description.strip())
    except IntegrityError:
        raise TeamNameTaken(field="name") from None
    record(actor=actor, action="team.create", object_type="team", object_id=team.pk)
    return team


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer value; shown once, never stored


def _digest(secret: str) -> str:
    # The secret carries 256 bits of entropy, so a plain SHA-256 is enough to make the
    # stored value useless to a database reader (no slow hash needed, unlike passwords).
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Actor, user: User, name: str, scopes: Iterable[str] = ("*",),
    expires_days: int | None = None,
) -> IssuedToken:
    """Issue a personal token for ``user``. Only the user themself or an agent manager
    may do so; the token's scopes can only narrow the owner's role. Raises
    ``MfaRequired`` if the owner's role requires a second factor they do not have."""
    if actor.user_id != user.pk and not actor.is_system:
        policy.require(actor, "agent.manage")
    if not actor.is_system:
        # A new credential that works without a second factor.
        policy.require_reauthentication(actor)
    if not user.is_active:
        raise ValidationError("The account is disabled.", field="user")
    if mfa_policy.missing(user):
        # A token would be a way around the second factor the role requires.
        raise MfaRequired(detail=f"token for {user.email} refused: no second factor")
    scopes = sorted(set(scopes)) or ["*"]
    for scope in scopes:
        if not policy.valid_scope(scope):
            raise ValidationError(f"Unknown scope {scope!r}.", field="scopes")
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_days is None else expires_days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            f"Expiry must be between 1 and {settings.API_TOKEN_MAX_DAYS} days.", field="expires"
        )
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80] or "token", prefix=prefix, digest=_digest(secret),
        scopes=scopes, expires_at=clock.now() + timedelta(days=days),
    )
    record(actor=actor, action="token.create", object_type="token", object_id=token.pk,
           context={"owner": user.email, "scopes": scopes, "days": days})
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, actor: Actor, token_id: int) -> None:
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or (token.user_id != actor.user_id
                         and not policy.has_permission(actor, "agent.manage")):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        token_cache.changed()
    record(actor=actor, action="token.revoke", object_type="token", object_id=token.pk)


def token_authenticate(secret: str) -> tuple[User, ApiToken]:
    """Resolve a bearer value to its owner. Raises ``InvalidToken`` for anything that is
    not a live token of an active account, and ``MfaRequired`` while the owner lacks the
    second factor their role requires."""
    return token_resolve(secret)[:2]


def token_resolve(secret: str) -> tuple[User, ApiToken, frozenset[int]]:
    """``token_authenticate``, with the owner's team ids. What the database says is
    reused for up to ``token_cache.TTL`` seconds (see there); expiry is checked now."""
    parts = secret.split("_", 2)  # the random part may itself contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise InvalidToken(detail="malformed token")
    digest = _digest(secret)
    resolved = token_cache.get(digest)
    if resolved is None:
        loaded_at = time.monotonic()
        token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
        if token is None or not hmac.compare_digest(token.digest, digest):
            raise InvalidToken(detail="unknown token")
        resolved = token_cache.Resolved(
            token=token, has_second_factor=mfa_policy.enrolled(token.user),
            team_ids=frozenset(token.user.teams.values_list("pk", flat=True)))
        token_cache.put(digest, resolved, loaded_at=loaded_at)
    user, token = resolved.copies()
    now = clock.now()
    if token.revoked_at or token.expires_at <= now or not user.is_active:
        raise InvalidToken(detail=f"token {token.pk} revoked, expired or owner disabled")
    if mfa_policy.required(user) and not resolved.has_second_factor:
        # The owner's role now requires a second factor they lack (promoted, or their
        # last authenticator removed): the token waits until they enrol.
        raise MfaRequired(detail=f"token {token.pk}: owner {user.email} has no MFA")
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        resolved.token.last_used_at = now
    return user, token, resolved.team_ids
