"""Notifications, and following a ticket."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.tickets import notifications

router = Router(tags=["notifications"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut}


class ListQuery(Schema):
    unread: bool = False
    limit: int = Field(default=50, ge=1, le=200)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    ticket_id: int
    visible: bool = Field(description="Whether you can still open the ticket")
    created_at: dt.datetime
    read: bool


class ReadIn(In):
    ids: list[int] | None = Field(default=None, max_length=200,
                                  description="None: every unread one")


class ReadOut(Schema):
    marked: int


class FollowIn(In):
    follow: bool = True


class FollowOut(Schema):
    following: bool


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def list_notifications(request, query: Query[ListQuery]):
    return [{"id": n.id, "kind": n.kind, "text": n.text, "ticket_id": n.ticket_id,
             "visible": n.link, "created_at": n.created_at, "read": n.read}
            for n in notifications.notification_list(actor=actor(request),
                                                     unread=query.unread,
                                                     limit=query.limit)]


@router.post("/notifications/read", response={200: ReadOut, **ERRORS})
def read_notifications(request, payload: ReadIn):
    return {"marked": notifications.mark_read(actor=actor(request), ids=payload.ids)}


@router.post("/tickets/{ticket_id}/follow", response={200: FollowOut, **ERRORS})
def follow_ticket(request, ticket_id: int, payload: FollowIn):
    """Follow a ticket (or, with follow=false, stop): hear when the customer writes."""
    return {"following": notifications.ticket_follow(
        actor=actor(request), ticket_id=ticket_id, follow=payload.follow)}
