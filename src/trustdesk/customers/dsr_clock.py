"""A privacy request's clock, read and started (docs/dsr.md): shared by the portal's
filing (``requests``), staff's (``dsr``) and the deadline watch (``dsr_watch``)."""

from __future__ import annotations

import datetime as dt

from trustdesk.customers.models import Customer, DataRequest
from trustdesk.customers.profiles import read_profile
from trustdesk.privacy import deadlines, dsr_rules


def start_clock(request: DataRequest) -> None:
    """Set the rule and the due moment of a request about to be created: the rule of the
    country on the customer's profile, or the configured default's."""
    profile = read_profile(request.customer_id)
    country = profile.profile.get("country") if profile else None
    rule = dsr_rules.rule_for(country)
    request.jurisdiction = rule.name
    request.due_at = deadlines.due_at(request.created_at, rule)


def open_duplicate(customer: Customer, kind: str) -> DataRequest | None:
    """The customer's open request of this kind: filing it again (a double click, a
    second call) returns it instead of starting a second clock."""
    return DataRequest.objects.filter(customer=customer, kind=kind,
                                      status=DataRequest.Status.OPEN).order_by("id").first()


def effective_due(request: DataRequest, now: dt.datetime) -> dt.datetime | None:
    """The due moment as things stand: a paused clock pushes it on as the pause lasts."""
    if request.due_at is None:
        return None
    if request.paused_at is not None:
        return request.due_at + max(now - request.paused_at, dt.timedelta(0))
    return request.due_at


def days_left(request: DataRequest, now: dt.datetime) -> int | None:
    due = effective_due(request, now)
    if due is None or request.status != DataRequest.Status.OPEN:
        return None
    return deadlines.days_left(due, now)
