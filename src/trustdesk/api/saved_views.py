"""Saved views of the ticket queue: list, create, delete, and run one."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In, Ref, TicketPage
from trustdesk.tickets import saved_views, selectors

router = Router(tags=["views"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class ViewIn(In):
    name: str = Field(max_length=60)
    shared: bool = Field(default=False, description="Shown to everyone who works tickets "
                                                    "(needs ticket.assign)")
    filters: dict = Field(default_factory=dict, description=(
        "Any of status ('active', 'all' or a status), priority, channel, assignee ('me', "
        "'none' or an id), team_id, tag, q, order"))


class ViewOut(Schema):
    id: int
    name: str
    shared: bool
    owner: Ref
    filters: dict


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=25, ge=1, le=100)


def _out(view) -> dict:
    return {"id": view.pk, "name": view.name, "shared": view.shared,
            "owner": render.ref(view.owner, "full_name"), "filters": view.filters}


@router.get("/views", response={200: list[ViewOut], **ERRORS})
def list_views(request):
    """Your saved views and the shared ones."""
    return [_out(v) for v in saved_views.view_list(actor=actor(request))]


@router.post("/views", response={201: ViewOut, **ERRORS})
def create_view(request, payload: ViewIn):
    view = saved_views.view_create(actor=actor(request), name=payload.name,
                                   filters=payload.filters, shared=payload.shared)
    return Status(201, _out(view))


@router.delete("/views/{view_id}", response={204: None, **ERRORS})
def delete_view(request, view_id: int):
    saved_views.view_delete(actor=actor(request), view_id=view_id)
    return Status(204, None)


@router.get("/views/{view_id}/tickets", response={200: TicketPage, **ERRORS})
def view_tickets(request, view_id: int, query: Query[PageQuery]):
    """The view run as your own queue: it shows only tickets you can see."""
    who = actor(request)
    view = saved_views.view_get(actor=who, view_id=view_id)
    page = selectors.ticket_list(actor=who, filters=saved_views.as_filters(view),
                                 page=query.page, page_size=query.page_size)
    return render.ticket_page(page)
