"""Use cases that write for those who oversee access: running a verification of the
audit trail on request (the run and who asked for it are both recorded), and raising an
alert when someone breaks the glass."""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.models import Alert
from trustdesk.audit import verify
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor


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
