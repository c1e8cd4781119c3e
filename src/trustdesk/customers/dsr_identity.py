"""Who is asking (docs/dsr.md): nothing of a privacy request is released or carried out
until the requester is shown to be the customer. Identity is established at the
``privacy_request`` verification level (two factors by default), proved to whoever
records it — the customer themself in the portal, or the member of staff who took the
request — or, where no code can reach them (a letter with a copy of an ID), by a privacy
officer's recorded reason, which alerts security officers as every override does.

A request filed in the portal by a customer below that level waits for them: its clock
is paused from the start and runs again the moment they verify (GDPR Art. 12(6): the
controller may ask for what confirms the identity, and the time that takes is theirs).
"""

from __future__ import annotations

import datetime as dt

from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict
from trustdesk.customers import verified
from trustdesk.customers.models import DataRequest

ACTION = "privacy_request"


def level_held(actor: Actor, customer_id) -> str | None:
    """How ``actor`` holds the customer's identity now, as words for the request's
    record ("level 2: email, phone"), or None below the level requests need."""
    held = verified.state(actor, customer_id)
    if held.level < verified.required(ACTION):
        return None
    return f"level {held.level}: {', '.join(held.kinds) or 'not required'}"[:64]


def mark_verified(row: DataRequest, *, actor: Actor, method: str) -> bool:
    """Record that the requester is verified; a clock paused for it runs again, the time
    paused added to the deadline. Returns whether anything changed (the caller saves)."""
    if row.identity_verified_at is not None:
        return False
    now = clock.now()
    row.identity_verified_at, row.identity_method = now, method[:64]
    row.identity_by = actor.label
    if row.paused_at is not None:
        paused = max(now - row.paused_at, dt.timedelta(0))
        row.paused_total += paused
        if row.due_at is not None:
            row.due_at += paused
        row.paused_at = None
    return True


def at_filing(row: DataRequest, *, actor: Actor, wait: bool) -> None:
    """A request about to be created: verified already if the filer holds the level.
    Otherwise, with ``wait`` (the portal: the customer is asked to verify), its clock
    starts paused."""
    method = level_held(actor, row.customer_id)
    if method is not None:
        mark_verified(row, actor=actor, method=method)
    elif wait:
        row.paused_at = row.created_at


def vouches(request_id, *, customer_id, kind: str) -> DataRequest:
    """The open, identity-verified request of ``kind`` about this customer that lets a
    privacy officer change or erase their data without having spoken to them: the
    requester's identity, proved on the request, stands in for a caller's. Anything
    else is refused — a request that is closed, of another kind, about someone else or
    not yet verified vouches for nothing."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise Conflict("No such open privacy request.") from None
    row = DataRequest.objects.filter(pk=pk, customer_id=customer_id, kind=kind,
                                     status=DataRequest.Status.OPEN).first() \
        if 0 < pk < 2**63 else None
    if row is None:
        raise Conflict("No such open privacy request.")
    if row.identity_verified_at is None:
        raise Conflict("Confirm the requester's identity before acting on the request.")
    return row
