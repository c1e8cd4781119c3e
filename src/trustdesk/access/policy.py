"""The policy decision point for actions: may this actor do this?

Every service and selector asks here; no front door decides on its own.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from trustdesk.access import grants
from trustdesk.access.roles import PERMISSIONS
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied, ReauthenticationRequired


def permissions_of(actor: Actor) -> frozenset[str]:
    """The permissions the actor holds now: its role's, narrowed by a token's scopes."""
    if actor.is_system:
        return frozenset(PERMISSIONS)
    if actor.kind in ("customer", "anonymous"):
        # Whatever role a forged or careless Actor carries: a customer or a stranger
        # holds no staff permission, so every staff selector and service refuses them.
        return frozenset()
    granted = grants.permissions_for(actor.role)
    if actor.scopes is not None:
        # A token never grants more than its owner's role: scopes only narrow.
        granted = frozenset(
            p for p in granted if any(fnmatchcase(p, s) for s in actor.scopes)
        )
    return granted


def has_permission(actor: Actor, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return permission in permissions_of(actor)


def require(actor: Actor, permission: str) -> None:
    """Raise ``PermissionDenied`` unless the actor holds ``permission``."""
    if not has_permission(actor, permission):
        raise PermissionDenied(permission=permission,
                               detail=f"{actor.label} lacks {permission}")


def require_reauthentication(actor: Actor) -> None:
    """Raise ``ReauthenticationRequired`` unless the person confirmed their password or
    second factor, or signed in, within the last few minutes (``Actor.reauthenticated``,
    set by the front door from the session). Bearer tokens never are: what needs this
    is done with a session. Call after the permission check, so that someone without
    the permission is refused outright rather than asked for their password."""
    if not (actor.reauthenticated or actor.is_system):  # a job has no password to type
        raise ReauthenticationRequired(detail=f"{actor.label} must re-authenticate")


def valid_scope(scope: str) -> bool:
    """A scope is a permission name or a pattern such as ``ticket.*`` that matches one."""
    return scope == "*" or any(fnmatchcase(p, scope) for p in PERMISSIONS)
