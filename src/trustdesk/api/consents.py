"""A customer's consents and objections (docs/privacy.md, "Consent and objections"):
read with ``consent.view``; given, withdrawn and objected on the customer's behalf with
``consent.manage``, saying how the customer said it. Need-to-know holds as for the
profile."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.customers import consent, consent_selectors

router = Router(tags=["customers"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          429: ErrorOut, 503: ErrorOut}
HOW = "How the customer said it: " + ", ".join(consent.STAFF_METHODS)


class ConsentOut(Schema):
    id: int
    purpose: str
    given_at: dt.datetime
    how: str
    given_by: str
    wording: str = Field(description="What the customer agreed to")
    version: str = Field(description="A fingerprint of the wording")
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawal_how: str


class ObjectionOut(Schema):
    id: int
    purpose: str
    at: dt.datetime
    by: str
    how: str
    request_id: int | None


class PurposeOut(Schema):
    name: str = Field(description="A purpose of the inventory, or field:<name>")
    label: str
    legal_basis: str
    description: str
    allowed: bool = Field(description="Whether TrustDesk may process for it now")
    consent: ConsentOut | None
    objection: ObjectionOut | None
    history: list[ConsentOut] = Field(description="Every consent given, newest first")


class ConsentsOut(Schema):
    purposes: list[PurposeOut]


class GiveIn(In):
    purpose: str = Field(max_length=80)
    how: str = Field(max_length=16, description=HOW)
    wording: str | None = Field(default=None, max_length=2000,
                                description="The words the customer agreed to, if not "
                                            "the inventory's (kept encrypted)")


class WithdrawIn(In):
    how: str = Field(max_length=16, description=HOW)


class ObjectIn(In):
    purpose: str = Field(max_length=80)
    how: str = Field(max_length=16, description=HOW)
    request_id: int | None = Field(default=None, ge=1, le=2**62,
                                   description="The privacy request it answers")


def _consent(c) -> dict:
    return {"id": c.pk, "purpose": c.purpose, "given_at": c.given_at, "how": c.method,
            "given_by": c.given_by, "wording": consent_selectors.shown_wording(c),
            "version": c.version, "withdrawn_at": c.withdrawn_at,
            "withdrawn_by": c.withdrawn_by, "withdrawal_how": c.withdrawal_method}


def _objection(o) -> dict:
    return {"id": o.pk, "purpose": o.purpose, "at": o.at, "by": o.by, "how": o.method,
            "request_id": o.request_id}


@router.get("/customers/{customer_id}/consents", response={200: ConsentsOut, **ERRORS})
def list_consents(request, customer_id: uuid.UUID):
    """The customer's optional purposes: consent purposes with the standing consent,
    legitimate-interests purposes with an objection, and each one's history."""
    found = consent_selectors.consent_list(actor=actor(request), customer_id=customer_id)
    return {"purposes": [{
        "name": s.purpose.name, "label": s.purpose.label,
        "legal_basis": s.purpose.legal_basis, "description": s.purpose.description,
        "allowed": s.allowed, "consent": _consent(s.consent) if s.consent else None,
        "objection": _objection(s.objection) if s.objection else None,
        "history": [_consent(c) for c in s.history]} for s in found]}


@router.post("/customers/{customer_id}/consents", response={201: ConsentOut, **ERRORS})
def give_consent(request, customer_id: uuid.UUID, payload: GiveIn):
    """Record consent the customer gave (by phone, email…). Given already: the standing
    consent."""
    row = consent.consent_give(actor=actor(request), customer_id=customer_id,
                               purpose=payload.purpose, how=payload.how,
                               wording=payload.wording)
    return Status(201, _consent(row))


@router.post("/customers/{customer_id}/consents/{consent_id}/withdraw",
             response={200: ConsentOut, **ERRORS})
def withdraw_consent(request, customer_id: uuid.UUID, consent_id: int, payload: WithdrawIn):
    """Withdraw a standing consent: a field's value is removed, a purpose stops. Withdrawn
    already: 409, nothing changes."""
    row = consent.consent_withdraw(actor=actor(request), customer_id=customer_id,
                                   consent_id=consent_id, how=payload.how)
    return _consent(row)


@router.post("/customers/{customer_id}/objections", response={201: ObjectionOut, **ERRORS})
def object_to(request, customer_id: uuid.UUID, payload: ObjectIn):
    """The customer objects to a purpose on legitimate interests: it stops. A purpose on
    contract or a legal obligation cannot be objected to (409)."""
    row = consent.object_to(actor=actor(request), customer_id=customer_id,
                            purpose=payload.purpose, how=payload.how,
                            request_id=payload.request_id)
    return Status(201, _objection(row))
