"""Privacy requests customers filed in the portal (``privacy_request.view``): the kind,
the state and when, never the customer's words. Filing is the portal's; fulfilling is
its own use case."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Router, Schema
from pydantic import Field

from trustdesk.api.auth import actor
from trustdesk.api.schemas import ErrorOut
from trustdesk.customers import requests

router = Router(tags=["privacy"])


class PrivacyRequestOut(Schema):
    id: int
    customer_id: uuid.UUID
    kind: str = Field(description="access, rectification or erasure")
    status: str
    created_at: dt.datetime


@router.get("/privacy/requests", response={200: list[PrivacyRequestOut], 401: ErrorOut,
                                           403: ErrorOut})
def request_list(request, limit: int = 200):
    return [PrivacyRequestOut(id=r.id, customer_id=r.customer_id, kind=r.kind,
                              status=r.status, created_at=r.created_at)
            for r in requests.request_list(actor=actor(request), limit=limit)]
