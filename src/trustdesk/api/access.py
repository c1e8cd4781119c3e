"""Access review (``access.review``): permissions held against used, per agent, and
applying a recommendation (``agent.manage``); roles and editing them (``role.manage``)."""

from __future__ import annotations

import dataclasses

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.access import selectors as access_selectors
from trustdesk.access import services as access_services
from trustdesk.accounts import review
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut

router = Router(tags=["access"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut}


class ReviewQuery(Schema):
    days: int = Field(default=review.DEFAULT_DAYS, ge=1, le=3650)
    agent_id: int | None = Field(default=None, ge=1)


class ApplyIn(Schema):
    role: str = Field(max_length=32, description="The recommended role, as the review gave it")
    days: int = Field(default=review.DEFAULT_DAYS, ge=1, le=3650)


@router.get("/access/review", response={200: list[review.AgentReview], **ERRORS})
def access_review(request, query: Query[ReviewQuery]):
    """Every active agent (or one): permissions their role holds, those the audit trail
    shows them using in the last ``days`` days, and the narrowest role that covers them.
    The review is recorded (``access.review``)."""
    return review.access_review(actor=actor(request), days=query.days,
                                user_id=query.agent_id)


@router.post("/access/review/{user_id}/apply", response={200: review.AgentReview, **ERRORS})
def apply(request, user_id: int, body: ApplyIn):
    """Move the agent to the recommended role; refused (400) if ``role`` is not the
    current recommendation. Recorded (``access.review_applied``)."""
    a = actor(request)
    review.apply_recommendation(actor=a, user_id=user_id, role=body.role, days=body.days)
    return review.access_review(actor=a, days=body.days, user_id=user_id)[0]


class RoleOut(Schema):
    role: str
    label: str
    permissions: list[str]
    added: list[str] = Field(description="Held now but not by the shipped role")
    removed: list[str] = Field(description="Held by the shipped role but not now")
    default: bool


class RoleIn(Schema):
    permissions: list[str] = Field(max_length=100)


def _role_out(view) -> dict:
    return {**dataclasses.asdict(view), "default": view.default}


@router.get("/roles", response={200: list[RoleOut], **ERRORS})
def roles(request):
    """Every role with the permissions it holds now (``role.manage`` or
    ``access.review``)."""
    return [_role_out(v) for v in access_selectors.role_list(actor=actor(request))]


@router.put("/roles/{role}", response={200: RoleOut, **ERRORS})
def role_update(request, role: str, body: RoleIn):
    """Set the permissions a role holds (``role.manage``); sending the shipped set
    restores the default. Adding to one's own role is refused (403): it takes a second
    admin. Recorded (``role.update``)."""
    a = actor(request)
    access_services.role_update(actor=a, role=role, permissions=body.permissions)
    return next(_role_out(v) for v in access_selectors.role_list(actor=a) if v.role == role)
