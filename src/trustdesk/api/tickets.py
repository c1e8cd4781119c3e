from __future__ import annotations

import base64
import binascii
import uuid

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import (
    AttachmentIn,
    ErrorOut,
    MessageIn,
    MessageOut,
    TicketCreateIn,
    TicketDetailOut,
    TicketOut,
    TicketPage,
    TicketPatchIn,
    TokenRevealIn,
    TokenRevealOut,
)
from trustdesk.core.errors import ValidationError
from trustdesk.customers.selectors import customer_names
from trustdesk.mailgateway import banners
from trustdesk.tickets import reveal, selectors, services
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.downloads import attachment_response

router = Router(tags=["tickets"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          410: ErrorOut, 413: ErrorOut, 503: ErrorOut}


class TicketQuery(Schema):
    status: str | None = Field(default=None, description="A status, or 'active'")
    priority: str | None = None
    channel: str | None = None
    assignee: str | None = Field(default=None, description="'me', 'none' or an agent id")
    team_id: int | None = Field(default=None, ge=1, le=2**62)
    customer_id: uuid.UUID | None = None
    q: str | None = Field(default=None, max_length=200,
                          description="A ticket number, part of the subject, or words of "
                                      "the conversation")
    tag: str | None = Field(default=None, max_length=40, description="A tag it carries")
    organisation_id: int | None = Field(default=None, ge=1, le=2**62,
                                        description="Tickets of the organisation's people")
    order: str = "updated"
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=25, ge=1, le=100)


def _attachments(items: list[AttachmentIn]) -> list[NewAttachment]:
    files = []
    for i, item in enumerate(items):
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("content_base64 is not valid base64.",
                                  field=f"attachments.{i}.content_base64") from None
        files.append(NewAttachment(item.filename, item.content_type, data))
    return files


def _detail(request, ticket_id: int) -> dict:
    detail = selectors.ticket_get(actor=actor(request), ticket_id=ticket_id)
    name = detail.customer.display_name if detail.customer else None
    warnings = banners.for_messages(m.pk for m in detail.messages)
    return {**render.ticket(detail.ticket, name),
            "messages": [render.message(m, warnings) for m in detail.messages]}


@router.get("/tickets", response={200: TicketPage, **ERRORS})
def list_tickets(request, query: Query[TicketQuery]):
    filters = selectors.TicketFilters(**query.dict(exclude={"page", "page_size"}))
    page = selectors.ticket_list(actor=actor(request), filters=filters, page=query.page,
                                 page_size=query.page_size)
    return render.ticket_page(page)


@router.post("/tickets", response={201: TicketDetailOut, **ERRORS})
def create_ticket(request, payload: TicketCreateIn):
    ticket = services.ticket_create(
        actor=actor(request), customer_id=payload.customer_id, subject=payload.subject,
        body=payload.body, channel=payload.channel, priority=payload.priority,
        team_id=payload.team_id, attachments=_attachments(payload.attachments),
        reason=payload.reason, assignee_id=payload.assignee_id,
    )
    return Status(201, _detail(request, ticket.pk))


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def get_ticket(request, ticket_id: int):
    return _detail(request, ticket_id)


@router.patch("/tickets/{ticket_id}", response={200: TicketOut, **ERRORS})
def update_ticket(request, ticket_id: int, payload: TicketPatchIn):
    ticket = services.ticket_update(actor=actor(request), ticket_id=ticket_id,
                                    **payload.dict(exclude_unset=True))
    name = customer_names([ticket.customer_id], actor=actor(request))[ticket.customer_id]
    return render.ticket(ticket, name)


@router.get("/tickets/{ticket_id}/messages", response={200: list[MessageOut], **ERRORS})
def list_messages(request, ticket_id: int):
    detail = selectors.ticket_get(actor=actor(request), ticket_id=ticket_id)
    warnings = banners.for_messages(m.pk for m in detail.messages)
    return [render.message(m, warnings) for m in detail.messages]


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, **ERRORS})
def add_message(request, ticket_id: int, payload: MessageIn):
    files = _attachments(payload.attachments)
    if payload.direction == "inbound":
        if payload.status is not None:
            raise ValidationError("status cannot be set with an inbound message.",
                                  field="status")
        message = services.ticket_add_inbound(actor=actor(request), ticket_id=ticket_id,
                                              body=payload.body, attachments=files,
                                              reason=payload.reason)
    else:
        message = services.ticket_reply(
            actor=actor(request), ticket_id=ticket_id, body=payload.body,
            internal=payload.direction == "note", status=payload.status, attachments=files,
            acknowledged=None if payload.send_despite_warnings else (),
            seen_up_to=payload.seen_up_to, seen_count=payload.seen_count,
        )
    # As the sender may see it: the stored body holds tokens, rendered per reader.
    selectors.message_rendered(actor=actor(request), message=message)
    return Status(201, render.message(message))


@router.post("/tickets/{ticket_id}/reveal", response={200: TokenRevealOut, **ERRORS})
def reveal_token(request, ticket_id: int, payload: TokenRevealIn):
    """Reveal the value behind a token intake put in one of the ticket's messages, with a
    reason (audited as ``message.reveal``; the value is never recorded). Show it until
    ``expires_at``. Card numbers need a recent re-authentication, which only a console
    session has: a bearer token cannot reveal them."""
    who = actor(request)
    revealed = reveal.message_reveal(
        actor=who, ticket_id=ticket_id, token=payload.token, reason=payload.reason,
        break_glass=payload.break_glass)
    return {"token": revealed.token, "entity": revealed.entity, "value": revealed.value,
            "expires_at": revealed.expires_at, "break_glass": revealed.break_glass}


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS})
def download_attachment(request, attachment_id: int):
    """The file itself, always as a download (never rendered inline)."""
    attachment = selectors.attachment_get(actor=actor(request), attachment_id=attachment_id)
    return attachment_response(attachment)
