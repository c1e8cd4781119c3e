"""Macros (canned replies): list, create, change, delete, and fill one in for a ticket."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In, Ref
from trustdesk.tickets import macros

router = Router(tags=["macros"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class MacroIn(In):
    name: str = Field(max_length=60)
    body: str = Field(max_length=macros.MAX_BODY, description=(
        "The reply, with placeholders such as {{ customer.first_name }}, "
        "{{ agent.name }}, {{ ticket.id }}"))
    status: str = Field(default="", description="The status a reply with it sets, or ''")
    shared: bool = Field(default=False, description="For everyone who answers tickets "
                                                    "(needs ticket.assign)")


class MacroOut(Schema):
    id: int
    name: str
    body: str
    status: str
    shared: bool
    owner: Ref


class DraftOut(Schema):
    body: str
    status: str
    withheld: list[str] = Field(description="Customer fields left out: your role does not "
                                            "see them in full")


def _out(m) -> dict:
    return {"id": m.pk, "name": m.name, "body": m.body, "status": m.status,
            "shared": m.shared, "owner": render.ref(m.owner, "full_name")}


@router.get("/macros", response={200: list[MacroOut], **ERRORS})
def list_macros(request):
    return [_out(m) for m in macros.macro_list(actor=actor(request))]


@router.post("/macros", response={201: MacroOut, **ERRORS})
def create_macro(request, payload: MacroIn):
    return Status(201, _out(macros.macro_save(actor=actor(request), **payload.dict())))


@router.put("/macros/{macro_id}", response={200: MacroOut, **ERRORS})
def change_macro(request, macro_id: int, payload: MacroIn):
    return _out(macros.macro_save(actor=actor(request), macro_id=macro_id, **payload.dict()))


@router.delete("/macros/{macro_id}", response={204: None, **ERRORS})
def delete_macro(request, macro_id: int):
    macros.macro_delete(actor=actor(request), macro_id=macro_id)
    return Status(204, None)


@router.post("/tickets/{ticket_id}/macros/{macro_id}", response={200: DraftOut, **ERRORS})
def apply_macro(request, ticket_id: int, macro_id: int):
    """The macro filled in for this ticket, as a draft: nothing is sent. A customer field
    your role does not see in full stays a marker, listed under ``withheld``."""
    draft = macros.macro_apply(actor=actor(request), macro_id=macro_id, ticket_id=ticket_id)
    return {"body": draft.body, "status": draft.status, "withheld": list(draft.withheld)}
