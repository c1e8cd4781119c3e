"""Response shapes of the audit trail and of the security officers' alerts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from trustdesk.api.schemas import PageMeta


class AlertOut(Schema):
    id: int
    created_at: dt.datetime
    kind: str
    actor: str
    customer_id: uuid.UUID | None
    field: str
    reason: str


class AlertPage(PageMeta):
    items: list[AlertOut]


# --- tickets -----------------------------------------------------------------------------


OutcomeName = Literal["allowed", "denied", "error"]


class AuditActorOut(Schema):
    kind: str
    label: str
    user_id: int | None


class AuditObjectOut(Schema):
    type: str
    id: str


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor: AuditActorOut
    action: str
    object: AuditObjectOut
    fields: list[str]
    outcome: str
    reason: str
    ip: str | None
    context: dict


class AuditEventPage(PageMeta):
    items: list[AuditEventOut]


class VerificationOut(Schema):
    at: dt.datetime
    ok: bool
    checked: int
    first_bad_seq: int | None = Field(description="The first position found bad, if any")
    problem: str
    seconds: float


class LastVerificationOut(Schema):
    last: VerificationOut | None = Field(description="null if the trail was never verified")


class VerifyResultOut(Schema):
    ok: bool
    checked: int
    last_seq: int = Field(description="The last chain position checked")
    first_bad_seq: int | None
    problem: str
    seconds: float
