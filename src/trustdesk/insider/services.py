"""Working an insider-threat alert (``insider.manage``: security officers), each in its
own transaction, under the alert's row lock, audited (``insider.acknowledge``,
``insider.dismiss``, ``insider.incident``): acknowledge it, dismiss it with a reason —
which suppresses the same detector and person for ``TRUSTDESK_INSIDER_SUPPRESS_DAYS``
(``insider/scan.py``) — or open an incident from it.

An incident links access alerts (``grc`` checks ``alert_ids`` against
``access.Alert``), so opening one from an insider alert first raises an access alert of
kind ``insider`` naming the person and the detector, and links that: incidents, their
timeline and their links stay as they are, and the access alerts page shows what an
incident was opened from whatever raised it. (Teaching ``grc`` a second kind of link
would change its model, its API and its report for one caller.)"""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.models import Alert
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.grc import services as incidents
from trustdesk.insider.models import InsiderAlert

INCIDENT_KINDS = ("account_compromise", "data_breach")
S = InsiderAlert.Status


def _locked(alert_id, actor: Actor) -> InsiderAlert:
    try:
        pk = int(alert_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = (InsiderAlert.objects.select_for_update().filter(pk=pk).first()
           if 0 < pk < 2**63 else None)
    if row is None:
        raise NotFound()
    if (row.actor_user_id is not None and row.actor_user_id == actor.user_id) \
            or (actor.label and row.actor_label == actor.label):
        # The person an alert is about never works it: not even acknowledging it, and
        # above all not dismissing it, which would silence the detector about them.
        raise PermissionDenied("This alert is about you: another officer handles it.")
    return row


def _audit(actor: Actor, action: str, row: InsiderAlert, **context) -> None:
    record(actor=actor, action=action, object_type="insider_alert", object_id=row.pk,
           context={"detector": row.detector, "person": row.actor_label,
                    "score": row.score, **context})


def _handled(actor: Actor, row: InsiderAlert, status: str) -> None:
    row.status, row.handled_by, row.handled_at = status, actor.label, clock.now()
    row.updated_at = row.handled_at


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert_id) -> InsiderAlert:
    """Someone is looking into it. Only an open alert."""
    policy.require(actor, "insider.manage")
    row = _locked(alert_id, actor)
    if row.status != S.OPEN:
        raise Conflict(f"This alert is {row.status}, not open.")
    _handled(actor, row, S.ACKNOWLEDGED)
    row.save()
    _audit(actor, "insider.acknowledge", row)
    return row


@transaction.atomic
def alert_dismiss(*, actor: Actor, alert_id, reason: str) -> InsiderAlert:
    """Not misuse, for ``reason`` (required): the detector and person are suppressed."""
    policy.require(actor, "insider.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the alert is dismissed.", field="reason")
    if len(reason) > 2000:
        raise ValidationError("The reason is at most 2000 characters.", field="reason")
    row = _locked(alert_id, actor)
    if row.status not in (S.OPEN, S.ACKNOWLEDGED):
        raise Conflict(f"This alert is {row.status}.")
    _handled(actor, row, S.DISMISSED)
    row.dismiss_reason, row.dismissed_score = reason, row.score
    row.save()
    # The reason is the officer's own words about a colleague: kept with the alert, not
    # sent to the SIEM.
    _audit(actor, "insider.dismiss", row)
    return row


@transaction.atomic
def alert_incident(*, actor: Actor, alert_id, kind: str, severity: str = "high",
                   title: str = "") -> InsiderAlert:
    """Open an incident (``account_compromise`` or ``data_breach``) from the alert, the
    officer its owner, aware from now; needs ``incident.manage`` as well."""
    policy.require(actor, "insider.manage")
    if kind not in INCIDENT_KINDS:
        raise ValidationError("The incident type is account_compromise or data_breach.",
                              field="kind")
    row = _locked(alert_id, actor)
    if row.status in (S.DISMISSED, S.INCIDENT):
        raise Conflict(f"This alert is {row.status}.")
    link = Alert.objects.create(
        kind=Alert.Kind.INSIDER, actor_label=row.actor_label,
        actor_user_id=row.actor_user_id, field=row.detector[:64],
        reason=f"Insider-threat alert {row.pk}: {row.detector}, score {row.score}")
    incident = incidents.incident_open(
        actor=actor, kind=kind, severity=severity,
        title=(title or f"Insider alert {row.pk}: {row.detector} on {row.actor_label}")[:200],
        owner_id=actor.user_id, aware_at=clock.now(), alert_ids=[link.pk])
    _handled(actor, row, S.INCIDENT)
    row.incident_id, row.access_alert_id = incident.pk, link.pk
    row.save()
    _audit(actor, "insider.incident", row, incident=incident.pk, kind=kind)
    return row
