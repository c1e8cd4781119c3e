"""Organisations: the companies customers belong to. Their people and tickets are listed
by ``GET /customers?organisation_id=`` and ``GET /tickets?organisation_id=``, through
the same policy as any list."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut, In
from trustdesk.customers import organisations

router = Router(tags=["organisations"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          503: ErrorOut}


class OrganisationIn(In):
    name: str = Field(max_length=120)
    domains: list[str] = Field(default_factory=list, max_length=organisations.MAX_DOMAINS,
                               description="Mail domains: new customers writing from them "
                                           "join (no free-mail providers)")


class OrganisationOut(Schema):
    id: int
    name: str
    domains: list[str]
    customers: int


class OrgQuery(Schema):
    q: str = Field(default="", max_length=120, description="Part of the name")


class MembershipIn(In):
    organisation_id: int | None = Field(description="None takes the customer out")


def _out(row) -> dict:
    return {"id": row.organisation.pk, "name": row.organisation.name,
            "domains": row.domains, "customers": row.customers}


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
def list_organisations(request, query: Query[OrgQuery]):
    return [_out(r) for r in organisations.organisation_list(actor=actor(request),
                                                             query=query.q)]


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def create_organisation(request, payload: OrganisationIn):
    who = actor(request)
    org = organisations.organisation_save(actor=who, name=payload.name,
                                          domains=payload.domains)
    return Status(201, _out(organisations.organisation_get(actor=who,
                                                           organisation_id=org.pk)))


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def get_organisation(request, organisation_id: int):
    return _out(organisations.organisation_get(actor=actor(request),
                                               organisation_id=organisation_id))


@router.put("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def change_organisation(request, organisation_id: int, payload: OrganisationIn):
    who = actor(request)
    organisations.organisation_save(actor=who, organisation_id=organisation_id,
                                    name=payload.name, domains=payload.domains)
    return _out(organisations.organisation_get(actor=who, organisation_id=organisation_id))


@router.put("/customers/{customer_id}/organisation", response={204: None, **ERRORS})
def set_customer_organisation(request, customer_id: uuid.UUID, payload: MembershipIn):
    organisations.customer_set_organisation(actor=actor(request), customer_id=customer_id,
                                            organisation_id=payload.organisation_id)
    return Status(204, None)
