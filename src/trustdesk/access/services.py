"""Use cases that write for those who oversee access: running a verification of the
audit trail on request (the run and who asked for it are both recorded), raising an
alert when someone breaks the glass, and changing what a role may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from trustdesk.access import grants, policy
from trustdesk.access.models import Alert, RoleGrant
from trustdesk.access.roles import ADMIN, PERMISSIONS, ROLE_LABELS, ROLE_PERMISSIONS
from trustdesk.audit import verify
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import PermissionDenied, ValidationError


def audit_verify(*, actor: Actor) -> verify.Result:
    """Chain what is pending, verify the whole trail and save the outcome (the status
    panel's "last verification"); record an ``audit.verify`` event naming the outcome.

    Returns the ``verify.Result`` (``ok`` False names the first bad position and the
    problem). Requires ``audit.read``; raises ``PermissionDenied``, or ``Unavailable`` if
    the trail's keys or the audit write fail.
    """
    policy.require(actor, "audit.read")
    # Not inside one transaction: the chainer commits its batches as it goes, and a
    # verification of a long trail must not hold the chainer's lock until it ends.
    result = verify.verify()
    with transaction.atomic():
        record(actor=actor, action="audit.verify", object_type="audit",
               context={"ok": result.ok, "checked": result.checked,
                        "last_seq": result.last_seq, "first_bad_seq": result.first_bad_seq,
                        "problem": result.problem})
    return result


def alert_break_glass(*, actor: Actor, customer_id, field: str, reason: str) -> Alert:
    """Raise an alert for security officers: ``actor`` revealed ``field`` of a customer
    they have no ticket for. Call inside the reveal's transaction, so that no reveal
    happens without its alert."""
    return Alert.objects.create(kind=Alert.Kind.BREAK_GLASS, actor_label=actor.label,
                                actor_user_id=actor.user_id, customer_id=customer_id,
                                field=field, reason=reason)


def alert_verification_override(*, actor: Actor, customer_id, action: str,
                                reason: str) -> Alert:
    """Raise an alert for security officers: ``actor`` passed a verification gate
    (``action``) for a caller who had not proved who they are. Call in the use case's
    transaction, so that no override happens without its alert."""
    return Alert.objects.create(kind=Alert.Kind.VERIFICATION_OVERRIDE,
                                actor_label=actor.label, actor_user_id=actor.user_id,
                                customer_id=customer_id, field=action[:64], reason=reason)


def alert_verification_failures(*, actor: Actor, customer_id, failures: int,
                                window: int) -> Alert | None:
    """Raise an alert for security officers: a customer's caller failed verification
    ``failures`` times within ``window`` seconds. At most one per customer per window."""
    since = clock.now() - dt.timedelta(seconds=window)
    if Alert.objects.filter(kind=Alert.Kind.VERIFICATION_FAILURES, customer_id=customer_id,
                            created_at__gte=since).exists():
        return None
    return Alert.objects.create(
        kind=Alert.Kind.VERIFICATION_FAILURES, actor_label=actor.label,
        actor_user_id=actor.user_id, customer_id=customer_id, field="",
        reason=f"{failures} failed verification attempts within {window // 60} minutes")


def alert_declared_contacts(*, actor: Actor, count: int, threshold: int,
                            customer_id=None) -> Alert | None:
    """Raise an alert for security officers: ``actor`` declared ``count`` customer
    contacts in 24 hours, more than ``threshold``. At most one such alert per agent in 24
    hours (the count in the trail goes on rising). Call in the declaring transaction."""
    since = clock.now() - dt.timedelta(hours=24)
    if Alert.objects.filter(kind=Alert.Kind.DECLARED_CONTACTS, actor_user_id=actor.user_id,
                            created_at__gte=since).exists():
        return None
    return Alert.objects.create(
        kind=Alert.Kind.DECLARED_CONTACTS, actor_label=actor.label,
        actor_user_id=actor.user_id, customer_id=customer_id, field="",
        reason=f"{count} contacts declared in 24 hours (alert above {threshold})")


def alert_search_burst(*, actor: Actor, field: str, searches: int, window: int) -> Alert:
    """Raise an alert for security officers: ``actor`` searched customers by exact value
    more than the limit allows (``searches`` within ``window`` seconds). The alert names
    the field searched, never the values; the audit trail holds their keyed hashes."""
    return Alert.objects.create(
        kind=Alert.Kind.SEARCH_BURST, actor_label=actor.label, actor_user_id=actor.user_id,
        field=field[:64],
        reason=f"{searches} exact-match customer searches within {window} seconds")


def alert_key_rotation_due(*, actor: Actor, which: str, due) -> Alert | None:
    """Raise an alert for security officers: ``which`` keys ("kek" or "data") were due
    for rotation at ``due``. At most one per kind of key a week, so that the reminder
    repeats while the rotation waits without flooding the list."""
    since = clock.now() - dt.timedelta(days=7)
    if Alert.objects.filter(kind=Alert.Kind.KEY_ROTATION_DUE, field=which,
                            created_at__gte=since).exists():
        return None
    label = "key-encryption key" if which == "kek" else "customer data keys"
    return Alert.objects.create(
        kind=Alert.Kind.KEY_ROTATION_DUE, actor_label=actor.label, field=which,
        reason=f"The {label} were due for rotation on {due:%Y-%m-%d}")


def alert_dsr_breach(*, actor: Actor, customer_id, request_id: int, jurisdiction: str,
                     due) -> Alert:
    """Raise an alert: a privacy request ran past its legal deadline. Names the request
    and the rule, never what the customer asked. Call in the transaction that flags it."""
    return Alert.objects.create(
        kind=Alert.Kind.DSR_BREACH, actor_label=actor.label, customer_id=customer_id,
        field=f"request:{request_id}"[:64],
        reason=f"Privacy request {request_id} ({jurisdiction}) was due {due:%Y-%m-%d %H:%M} UTC")


def alert_incident_clock(*, actor: Actor, incident_id: int, clock: str, due) -> Alert:
    """Raise an alert: an incident's notice (``clock``: authority, subjects, hipaa,
    pipl) was not recorded as sent by its deadline. Call in the transaction that flags it."""
    return Alert.objects.create(
        kind=Alert.Kind.INCIDENT_CLOCK, actor_label=actor.label,
        field=f"incident:{incident_id}:{clock}"[:64],
        reason=f"Incident {incident_id}: the {clock} notice was due {due:%Y-%m-%d %H:%M} UTC "
               "and is not recorded as sent")


# Administration must stay possible: the admin role always keeps these.
ADMIN_FLOOR = frozenset({"agent.view", "agent.manage", "role.manage"})


@transaction.atomic
def role_update(*, actor: Actor, role: str, permissions: Iterable[str]) -> frozenset[str]:
    """Set the permissions a shipped role holds; returns them. Requires ``role.manage``.

    Refused (``ValidationError``): an unknown role or permission, or an admin role
    without ``ADMIN_FLOOR``. Refused (``PermissionDenied``): giving one's own role a
    permission it did not ship with (removing, and restoring shipped ones, are allowed)."""
    policy.require(actor, "role.manage")
    policy.require_reauthentication(actor)  # alters what everyone holding the role may do
    if role not in ROLE_LABELS:
        raise ValidationError(f"There is no role '{role}'.", field="role")
    wanted = frozenset(permissions)
    if unknown := sorted(wanted - set(PERMISSIONS)):
        raise ValidationError(f"Unknown permissions: {', '.join(unknown)}.",
                              field="permissions")
    if role == ADMIN and not wanted >= ADMIN_FLOOR:
        raise ValidationError("The admin role always keeps "
                              f"{', '.join(sorted(ADMIN_FLOOR))}.", field="permissions")
    before = grants.permissions_for(role)
    added, removed = sorted(wanted - before), sorted(before - wanted)
    if role == actor.role and set(added) - ROLE_PERMISSIONS[role]:
        # Restoring what the role shipped with is fine; growing one's own role past it
        # is the escalation that takes somebody else.
        raise PermissionDenied("You cannot give your own role permissions beyond those it "
                               "ships with; someone in another role with role.manage must.")
    if wanted == ROLE_PERMISSIONS[role]:
        RoleGrant.objects.filter(role=role).delete()  # back to the shipped defaults
    else:
        RoleGrant.objects.update_or_create(role=role, defaults={
            "permissions": sorted(wanted), "updated_by": actor.label})
    record(actor=actor, action="role.update", object_type="role", object_id=role,
           context={"added": added, "removed": removed,
                    "default": wanted == ROLE_PERMISSIONS[role]})
    grants.changed()
    transaction.on_commit(grants.settled)
    return wanted
