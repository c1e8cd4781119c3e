"""The mail gateway's support addresses: listed and shown with ``mail.view``, added and
changed with ``mail.configure`` (recorded: ``mail.route.create`` / ``mail.route.update``).
A route with a DKIM key shows the TXT record to publish; the private key never leaves the
vault."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.mailgateway import banners, routes, selftest

router = Router(tags=["mail"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class RouteOut(Schema):
    id: int
    address: str = Field(description="Lower-case; an internationalised domain in punycode")
    name: str = Field(description="The display name replies go out under")
    team_id: int | None
    active: bool
    honour_dmarc: bool
    dkim_selector: str = Field(description="Empty: replies go out unsigned")
    dkim_record: str | None = Field(description="The DNS TXT record to publish")
    created_at: dt.datetime
    updated_at: dt.datetime


class RouteIn(In):
    address: str = Field(max_length=254)
    name: str = Field(default="", max_length=100)
    team_id: int | None = None
    dkim: bool = Field(default=True, description="Make a DKIM signing key")
    dkim_selector: str | None = Field(default=None, max_length=63,
                                      description="Default: td<YYYYMMDD>")
    honour_dmarc: bool = True
    active: bool = True


class RoutePatchIn(In):
    name: str | None = Field(default=None, max_length=100)
    team_id: int | None = None
    active: bool | None = None
    honour_dmarc: bool | None = None
    dkim_selector: str | None = Field(
        default=None, max_length=63,
        description="A new selector makes a new key (rotation); empty removes the key")


def _out(route) -> RouteOut:
    return RouteOut(id=route.pk, address=route.address, name=route.name,
                    team_id=route.team_id, active=route.active,
                    honour_dmarc=route.honour_dmarc, dkim_selector=route.dkim_selector,
                    dkim_record=routes.dns_record(route), created_at=route.created_at,
                    updated_at=route.updated_at)


@router.get("/mail/routes", response={200: list[RouteOut], **ERRORS})
def route_list(request):
    return [_out(r) for r in routes.route_list(actor=actor(request))]


@router.post("/mail/routes", response={201: RouteOut, **ERRORS})
def route_create(request, payload: RouteIn):
    return Status(201, _out(routes.route_create(actor=actor(request), **payload.dict())))


@router.get("/mail/routes/{route_id}", response={200: RouteOut, **ERRORS})
def route_get(request, route_id: int):
    return _out(routes.route_get(actor=actor(request), route_id=route_id))


@router.patch("/mail/routes/{route_id}", response={200: RouteOut, **ERRORS})
def route_update(request, route_id: int, payload: RoutePatchIn):
    changes = payload.dict(exclude_unset=True)
    for field in ("name", "active", "honour_dmarc", "dkim_selector"):
        if changes.get(field, ...) is None:
            changes.pop(field)  # null means "leave it"; team_id null clears the team
    return _out(routes.route_update(actor=actor(request), route_id=route_id, **changes))


class RouteTestOut(Schema):
    code: int = Field(description="The listener's answer to the test message (250: accepted)")
    text: str
    accepted: bool
    mail_id: str | None = Field(description="The stored message, when accepted (it is set "
                                            "aside, never made a ticket)")
    checks: dict = Field(description="What each check found: SPF, DKIM, DMARC, ARC, DNS, "
                                     "lists, the policy's decision")
    warnings: list[str] = Field(description="The checks in plain words, as an agent's "
                                            "banner would show them")


@router.post("/mail/routes/{route_id}/test", response={200: RouteTestOut, **ERRORS})
def route_test(request, route_id: int):
    """Send a message from the support address to itself through the whole gateway and
    return each verdict (``mail.configure``; recorded as ``mail.route.test``)."""
    result = selftest.route_test(actor=actor(request), route_id=route_id)
    return {"code": result.code, "text": result.text, "accepted": result.accepted,
            "mail_id": str(result.mail.uid) if result.mail else None,
            "checks": result.checks, "warnings": banners.texts(result.checks)}
