from __future__ import annotations

import uuid

from ninja import Query, Router, Schema, Status
from pydantic import Field

from trustdesk.api import render
from trustdesk.api.auth import actor
from trustdesk.api.schemas import (
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatchIn,
    ErrorOut,
    In,
    RevealIn,
    RevealOut,
)
from trustdesk.customers import reveal, selectors, services

router = Router(tags=["customers"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          410: ErrorOut, 503: ErrorOut}


class CustomerQuery(Schema):
    field: str | None = Field(
        default=None, max_length=64,
        description="A searchable field (email, phone, account_number) to match exactly",
    )
    value: str | None = Field(default=None, max_length=200)
    q: str | None = Field(
        default=None, max_length=200,
        description="Words of the name or company, each whole or its start ('ada love')",
    )
    organisation_id: int | None = Field(default=None, ge=1, le=2**62,
                                        description="The organisation's people")
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=25, ge=1, le=100)


@router.get("/customers", response={200: CustomerPage, 429: ErrorOut, **ERRORS})
def list_customers(request, query: Query[CustomerQuery]):
    """Customers, newest first; with ``field`` and ``value``, those whose field has
    exactly that value; with ``q``, those whose name or company has its words (only
    fields the caller sees in full, only customers they have a need to know). Searches
    are limited per person
    (``TRUSTDESK_SEARCH_LIMIT`` per ``TRUSTDESK_SEARCH_WINDOW_SECONDS``): more are
    refused with 429 and ``Retry-After``."""
    match = {query.field: query.value or ""} if query.field else None
    page = selectors.customer_list(actor=actor(request), match=match, page=query.page,
                                   page_size=query.page_size, query=query.q,
                                   organisation_id=query.organisation_id)
    return {"items": [render.customer(p) for p in page.items], "page": page.page,
            "page_size": page.page_size, "total": page.total}


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def create_customer(request, payload: CustomerIn):
    profile = services.customer_create(actor=actor(request), profile=payload.profile,
                                       consent_how=payload.consent_how)
    return Status(201, render.customer(profile))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request, customer_id: uuid.UUID):
    return render.customer(selectors.customer_get(actor=actor(request), customer_id=customer_id))


class ErasureIn(In):
    reason: str = Field(min_length=1, max_length=2000,
                        description="Why the customer is erased (kept in the erasure record)")
    verification_override: str | None = Field(
        default=None, max_length=2000,
        description="Erase without the requester verified to level 2: why (audited, "
                    "alerts security officers)")


@router.post("/customers/{customer_id}/erase", response={200: CustomerOut, **ERRORS})
def erase_customer(request, customer_id: uuid.UUID, payload: ErasureIn):
    """Crypto-shred the customer: their key is destroyed and with it every copy of their
    data. What remains is the erasure record (who, when, why)."""
    profile = services.customer_erase(actor=actor(request), customer_id=customer_id,
                                      reason=payload.reason,
                                      verification_override=payload.verification_override)
    return render.customer(profile)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update_customer(request, customer_id: uuid.UUID, payload: CustomerPatchIn):
    """Change profile fields, under the field policy as for reads: a field you may not
    see is not found (404); a customer you have no need to know needs ``break_glass``
    with a ``reason``; changing a restricted field needs a recent re-authentication;
    changing email, phone or payment details needs the caller verified to level 2
    (403 ``verification_required``) or a ``verification_override``."""
    profile = services.customer_update(actor=actor(request), customer_id=customer_id,
                                       changes=payload.profile,
                                       break_glass=payload.break_glass, reason=payload.reason,
                                       verification_override=payload.verification_override,
                                       consent_how=payload.consent_how)
    return render.customer(profile)


@router.post("/customers/{customer_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal_field(request, customer_id: uuid.UUID, payload: RevealIn):
    """Reveal one masked field, with a reason (audited as ``customer.reveal``; the value
    is never recorded). Show it until ``expires_at``. Restricted fields need a recent
    re-authentication, which only a console session has: a bearer token cannot reveal
    them."""
    who = actor(request)
    revealed = reveal.customer_reveal(
        actor=who, customer_id=customer_id, field=payload.field, reason=payload.reason,
        break_glass=payload.break_glass, verification_override=payload.verification_override)
    return {"field": revealed.field, "value": revealed.value,
            "expires_at": revealed.expires_at, "break_glass": revealed.break_glass}
