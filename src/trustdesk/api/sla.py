"""Service levels: SLA policies and teams' business hours."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ChannelName, ErrorOut, In, PriorityName
from trustdesk.tickets import sla_settings

router = Router(tags=["service levels"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}
Minutes = Field(default=None, ge=1, le=sla_settings.MAX_TARGET_MINUTES)


class PolicyIn(In):
    name: str = Field(max_length=80)
    priority: PriorityName | None = Field(default=None, description="None: any priority")
    channel: ChannelName | None = Field(default=None, description="None: any channel")
    first_response_minutes: int | None = Minutes
    resolution_minutes: int | None = Minutes
    business_hours: bool = Field(default=True, description="Count the ticket team's "
                                                           "opening hours, not the clock")
    position: int = Field(default=100, ge=0, le=10_000, description="Lower applies first")
    active: bool = True


class PolicyPatch(In):
    name: str | None = Field(default=None, max_length=80)
    priority: PriorityName | None = None
    channel: ChannelName | None = None
    first_response_minutes: int | None = Minutes
    resolution_minutes: int | None = Minutes
    business_hours: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class PolicyOut(Schema):
    id: int
    name: str
    priority: str
    channel: str
    first_response_minutes: int | None
    resolution_minutes: int | None
    business_hours: bool
    position: int
    active: bool


class HoursIn(In):
    timezone: str = Field(max_length=64, description="IANA time zone, e.g. Europe/London")
    schedule: dict[str, list[list[str]]] = Field(description=(
        '{"mon": [["09:00", "17:00"]], ...}: opening intervals per weekday, local time'))
    holidays: list[str] = Field(default_factory=list, max_length=400,
                                description="Closed days, YYYY-MM-DD")


class HoursOut(Schema):
    team_id: int
    timezone: str
    schedule: dict
    holidays: list[str]


def _policy(p) -> dict:
    return {f: getattr(p, f) for f in ("id", *sla_settings.FIELDS)}


@router.get("/sla/policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request):
    """In the order they are tried: the first active one that matches a ticket applies."""
    return [_policy(p) for p in sla_settings.policy_list(actor=actor(request))]


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request, payload: PolicyIn):
    return Status(201, _policy(sla_settings.policy_save(actor=actor(request),
                                                        **payload.dict())))


@router.patch("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def change_policy(request, policy_id: int, payload: PolicyPatch):
    values = payload.dict(exclude_unset=True)
    return _policy(sla_settings.policy_save(actor=actor(request), policy_id=policy_id,
                                            **values))


@router.delete("/sla/policies/{policy_id}", response={204: None, **ERRORS})
def delete_policy(request, policy_id: int):
    sla_settings.policy_delete(actor=actor(request), policy_id=policy_id)
    return Status(204, None)


@router.get("/teams/{team_id}/hours", response={200: HoursOut | None, **ERRORS})
def get_hours(request, team_id: int):
    """The team's opening hours, or null: its targets run around the clock."""
    row = sla_settings.hours_get(actor=actor(request), team_id=team_id)
    return None if row is None else {"team_id": team_id, "timezone": row.timezone,
                                     "schedule": row.schedule, "holidays": row.holidays}


@router.put("/teams/{team_id}/hours", response={200: HoursOut, **ERRORS})
def set_hours(request, team_id: int, payload: HoursIn):
    row = sla_settings.hours_set(actor=actor(request), team_id=team_id, **payload.dict())
    return {"team_id": team_id, "timezone": row.timezone, "schedule": row.schedule,
            "holidays": row.holidays}


@router.delete("/teams/{team_id}/hours", response={204: None, **ERRORS})
def clear_hours(request, team_id: int):
    sla_settings.hours_clear(actor=actor(request), team_id=team_id)
    return Status(204, None)
