"""Changing service levels: SLA policies and teams' business hours, under
``team.manage``, checked before they are saved and audited. A change applies to tickets
opened (or re-prioritised) after it; running targets keep the policy they started with."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.accounts.models import Team
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.tickets import business_hours as bh
from trustdesk.tickets.models import BusinessHours, Channel, Priority, SlaPolicy

MAX_TARGET_MINUTES = 365 * 24 * 60
FIELDS = ("name", "priority", "channel", "first_response_minutes", "resolution_minutes",
          "business_hours", "position", "active")


def policy_list(*, actor: Actor) -> list[SlaPolicy]:
    if not (policy.has_permission(actor, "ticket.view")
            or policy.has_permission(actor, "team.manage")):
        policy.require(actor, "ticket.view")
    return list(SlaPolicy.objects.order_by("position", "id"))


def _check(values: dict) -> dict:
    name = " ".join(str(values.get("name") or "").split())
    if not name or len(name) > 80:
        raise ValidationError("A policy needs a name of at most 80 characters.", field="name")
    values["name"] = name
    for field, choices in (("priority", Priority), ("channel", Channel)):
        values[field] = values.get(field) or ""
        if values[field] and values[field] not in choices.values:
            raise ValidationError(f"{field} must be one of {', '.join(choices.values)}, or "
                                  "empty for any.", field=field)
    for field in ("first_response_minutes", "resolution_minutes"):
        value = values.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= MAX_TARGET_MINUTES):
            raise ValidationError(f"{field} is a number of minutes from 1 to "
                                  f"{MAX_TARGET_MINUTES}, or empty.", field=field)
    if values.get("first_response_minutes") is None and values.get(
            "resolution_minutes") is None:
        raise ValidationError("A policy sets at least one target.",
                              field="first_response_minutes")
    for flag in ("business_hours", "active"):
        if not isinstance(values.get(flag, True), bool):
            raise ValidationError(f"{flag} is true or false.", field=flag)
    position = values.get("position", 100)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position \
            <= 10_000:
        raise ValidationError("position is a number from 0 to 10000.", field="position")
    return values


@transaction.atomic
def policy_save(*, actor: Actor, policy_id: int | None = None, **values) -> SlaPolicy:
    policy.require(actor, "team.manage")
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown field: {', '.join(sorted(unknown))}.")
    if policy_id is None:
        row = SlaPolicy()
    else:
        row = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
        if row is None:
            raise NotFound()
    merged = _check({**{f: getattr(row, f) for f in FIELDS}, **values} if policy_id
                    else {"business_hours": True, "position": 100, "active": True, **values})
    for field in FIELDS:
        setattr(row, field, merged.get(field, getattr(row, field)))
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(f"A policy named “{row.name}” exists already.") from None
    record(actor=actor, action="sla.policy_update" if policy_id else "sla.policy_create",
           object_type="sla_policy", object_id=row.pk, fields=sorted(values))
    return row


@transaction.atomic
def policy_delete(*, actor: Actor, policy_id: int) -> None:
    policy.require(actor, "team.manage")
    row = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
    if row is None:
        raise NotFound()
    record(actor=actor, action="sla.policy_delete", object_type="sla_policy",
           object_id=row.pk)
    row.delete()


def hours_get(*, actor: Actor, team_id: int) -> BusinessHours | None:
    if not (policy.has_permission(actor, "ticket.view")
            or policy.has_permission(actor, "team.manage")):
        policy.require(actor, "ticket.view")
    if not Team.objects.filter(pk=team_id).exists():
        raise NotFound()
    return BusinessHours.objects.filter(team_id=team_id).first()


@transaction.atomic
def hours_set(*, actor: Actor, team_id: int, timezone: str, schedule: dict,
              holidays: list | None = None) -> BusinessHours:
    """Set a team's opening hours (refused, with the reason, if they cannot be used)."""
    policy.require(actor, "team.manage")
    if not Team.objects.filter(pk=team_id).exists():
        raise NotFound()
    try:
        parsed = bh.parse(timezone, schedule, holidays or ())
    except bh.HoursError as exc:
        raise ValidationError(str(exc), field="schedule") from None
    row, _ = BusinessHours.objects.select_for_update().get_or_create(team_id=team_id)
    row.timezone = parsed.zone
    row.schedule = {day: [list(s) for s in schedule.get(day) or ()] for day in bh.DAYS
                    if schedule.get(day)}
    row.holidays = sorted(d.isoformat() for d in parsed.holidays)
    row.save()
    record(actor=actor, action="team.hours", object_type="team", object_id=team_id,
           context={"timezone": row.timezone, "holidays": len(row.holidays)})
    return row


@transaction.atomic
def hours_clear(*, actor: Actor, team_id: int) -> None:
    policy.require(actor, "team.manage")
    deleted, _ = BusinessHours.objects.filter(team_id=team_id).delete()
    if deleted:
        record(actor=actor, action="team.hours", object_type="team", object_id=team_id,
               context={"cleared": True})
