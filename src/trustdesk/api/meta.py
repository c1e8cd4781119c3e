from __future__ import annotations

from dataclasses import asdict

from ninja import Router

from trustdesk.access import policy
from trustdesk.access.policy import permissions_of
from trustdesk.accounts import selectors, services
from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import AgentOut, DataFieldOut, ErrorOut, MeOut, TeamOut
from trustdesk.privacy.inventory import get_inventory

router = Router(tags=["meta"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _agent(user) -> dict:
    return {"id": user.pk, "email": user.email, "full_name": user.full_name,
            "role": user.role, "is_active": user.is_active,
            "teams": [render.ref(t) for t in user.teams.all()]}


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    a = actor(request)
    user = selectors.user_get(actor=a, user_id=a.user_id)
    return {**_agent(user), "permissions": sorted(permissions_of(a))}


@router.get("/agents", response={200: list[AgentOut], **ERRORS})
def agents(request):
    return [_agent(u) for u in selectors.user_list(actor=actor(request))]


@router.post("/agents/{user_id}/unlock", response={200: AgentOut, **ERRORS})
def unlock_agent(request, user_id: int):
    """Lift a sign-in lockout (admins)."""
    return _agent(services.user_unlock(actor=actor(request), user_id=user_id))


@router.get("/teams", response={200: list[TeamOut], **ERRORS})
def teams(request):
    return list(selectors.team_list(actor=actor(request)))


@router.get("/datamap", response={200: list[DataFieldOut], **ERRORS})
def datamap(request):
    """The data inventory: every customer field TrustDesk may store, and why."""
    policy.require(actor(request), "datamap.read")
    return [{k: v for k, v in asdict(f).items() if k != "line"} for f in get_inventory().fields]
