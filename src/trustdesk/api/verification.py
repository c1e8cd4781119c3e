"""Caller verification: the panel's state and methods, a challenge begun, an answer
checked. The answer says only whether it matched; nothing of the records comes back."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.verification import selectors, services

router = Router(tags=["verification"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          429: ErrorOut, 503: ErrorOut}


class StateOut(Schema):
    level: int
    label: str
    factors: list[str]
    expires_at: dt.datetime | None


class MethodOut(Schema):
    name: str
    label: str
    factor: str
    available: bool
    answered_by_agent: bool


class PanelOut(Schema):
    state: StateOut
    methods: list[MethodOut]
    gates: dict[str, int] = Field(description="Action → the level it needs")


class StartIn(In):
    method: str = Field(max_length=32, description="email_code, sms_code, email_link or "
                        "knowledge")


class StartOut(Schema):
    challenge_id: uuid.UUID
    method: str
    prompt: str = Field(description="What to ask or tell the caller")
    answer_label: str
    expires_at: dt.datetime


class AnswerIn(In):
    answer: str = Field(min_length=1, max_length=200,
                        description="What the caller said, as heard")


class AnswerOut(Schema):
    matches: bool
    attempts_left: int
    state: StateOut


def _state(state) -> dict:
    return {"level": state.level, "label": state.label, "factors": list(state.kinds),
            "expires_at": state.expires_at}


@router.get("/customers/{customer_id}/verification", response={200: PanelOut, **ERRORS})
def verification_panel(request, customer_id: uuid.UUID):
    panel = selectors.verification_panel(actor=actor(request), customer_id=customer_id)
    return {"state": _state(panel.state), "gates": panel.gates,
            "methods": [{"name": m.name, "label": m.label, "factor": m.kind,
                         "available": m.available, "answered_by_agent": m.answered_by_agent}
                        for m in panel.methods]}


@router.post("/customers/{customer_id}/verification/challenges",
             response={201: StartOut, **ERRORS})
def start_challenge(request, customer_id: uuid.UUID, payload: StartIn):
    started = services.challenge_start(actor=actor(request), customer_id=customer_id,
                                       method_name=payload.method)
    return Status(201, {"challenge_id": started.challenge_id, "method": started.method,
                        "prompt": started.prompt.text,
                        "answer_label": started.prompt.answer_label,
                        "expires_at": started.expires_at})


@router.post("/verification/challenges/{challenge_id}/answer",
             response={200: AnswerOut, **ERRORS})
def answer_challenge(request, challenge_id: uuid.UUID, payload: AnswerIn):
    answered = services.challenge_answer(actor=actor(request), challenge_id=challenge_id,
                                         answer=payload.answer)
    return {"matches": answered.matches, "attempts_left": answered.attempts_left,
            "state": _state(answered.state)}
