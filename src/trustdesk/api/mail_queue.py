"""The mail gateway's queue (``mail.view``): received mail with its verdicts, the
suspended queue, one message; releasing or deleting a suspended one (``mail.release``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.mailgateway import suspended

router = Router(tags=["mail"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}
StateName = Literal["queued", "delivered", "suspended", "ignored", "deleted", "failed", "all"]


class MailOut(Schema):
    id: uuid.UUID
    received_at: dt.datetime
    state: str
    reason: str = Field(description="Why it was held or set aside (a code)")
    reason_text: str
    route: str | None = Field(description="The support address it was sent to")
    peer_ip: str
    size: int
    checks: dict = Field(description="What each check found: SPF, DKIM, DMARC, ARC, DNS, "
                                     "lists, attachments")
    ticket_id: int | None


class MailDetailOut(MailOut):
    sender: str = Field(description="The From address, while the content is kept")
    subject: str
    recipients: list[str]


class MailQuery(Schema):
    state: StateName = "suspended"
    limit: int = Field(default=100, ge=1, le=500)


class DecisionIn(Schema):
    reason: str = Field(default="", max_length=300)


def _out(mail) -> dict:
    return {"id": mail.uid, "received_at": mail.received_at, "state": mail.state,
            "reason": mail.reason, "reason_text": mail.reason_text,
            "route": mail.route.address if mail.route else None, "peer_ip": mail.peer_ip,
            "size": mail.size, "checks": mail.checks, "ticket_id": mail.ticket_id}


@router.get("/mail/messages", response={200: list[MailOut], **ERRORS})
def mail_list(request, query: Query[MailQuery]):
    """The newest messages in one state (suspended by default), without content."""
    state = None if query.state == "all" else query.state
    return [_out(m) for m in suspended.mail_list(actor=actor(request), state=state,
                                                 limit=query.limit)]


@router.get("/mail/messages/{mail_id}", response={200: MailDetailOut, **ERRORS})
def mail_get(request, mail_id: uuid.UUID):
    """One message and its verdicts; the sender and subject while it is held. Recorded
    (``mail.view``)."""
    held = suspended.mail_get(actor=actor(request), mail_id=mail_id)
    return {**_out(held.mail), "sender": held.sender, "subject": held.subject,
            "recipients": list(held.recipients)}


@router.post("/mail/messages/{mail_id}/release", response={200: MailOut, **ERRORS})
def mail_release(request, mail_id: uuid.UUID, body: DecisionIn):
    """Release a suspended message: intake runs again (409 unless it is suspended).
    Recorded (``mail.release``)."""
    return _out(suspended.mail_release(actor=actor(request), mail_id=mail_id,
                                       reason=body.reason))


@router.post("/mail/messages/{mail_id}/delete", response={200: MailOut, **ERRORS})
def mail_delete(request, mail_id: uuid.UUID, body: DecisionIn):
    """Delete a suspended message: its content is crypto-shredded. Recorded
    (``mail.delete``)."""
    return _out(suspended.mail_delete(actor=actor(request), mail_id=mail_id,
                                      reason=body.reason))
