"""Access review (``access.review``): permissions held against used, per agent, and
applying a recommendation (``agent.manage``)."""

from __future__ import annotations

import dataclasses

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.accounts import review
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut

router = Router(tags=["access"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut}


class ReviewQuery(Schema):
    days: int = Field(default=review.DEFAULT_DAYS, ge=1, le=3650)
    agent_id: int | None = Field(default=None, ge=1)


class AgentReviewOut(Schema):
    user_id: int
    email: str
    full_name: str
    role: str
    held: list[str]
    used: dict[str, int]
    unused: list[str]
    not_recorded: list[str]
    recommended_role: str | None
    removals: list[str]
    note: str


class ApplyIn(Schema):
    role: str = Field(max_length=32, description="The recommended role, as the review gave it")
    days: int = Field(default=review.DEFAULT_DAYS, ge=1, le=3650)


@router.get("/access/review", response={200: list[AgentReviewOut], **ERRORS})
def access_review(request, query: Query[ReviewQuery]):
    """Every active agent (or one): permissions their role holds, those the audit trail
    shows them using in the last ``days`` days, and the narrowest role that covers them.
    The review is recorded (``access.review``)."""
    return [dataclasses.asdict(r) for r in review.access_review(
        actor=actor(request), days=query.days, user_id=query.agent_id)]


@router.post("/access/review/{user_id}/apply", response={200: AgentReviewOut, **ERRORS})
def apply(request, user_id: int, body: ApplyIn):
    """Move the agent to the recommended role; refused (400) if ``role`` is not the
    current recommendation. Recorded (``access.review_applied``)."""
    a = actor(request)
    review.apply_recommendation(actor=a, user_id=user_id, role=body.role, days=body.days)
    return dataclasses.asdict(review.access_review(actor=a, days=body.days,
                                                   user_id=user_id)[0])
