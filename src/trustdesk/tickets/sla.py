"""Service-level clocks on tickets: which policy applies, when its targets fall due, and
how a ticket stands against them.

- The first active ``SlaPolicy`` (by position) whose priority and channel match applies
  when the ticket is opened; a priority change applies the matching one again, from the
  ticket's creation (as if it had had that priority all along).
- First response: met by the first reply to the customer (not a note).
- Resolution: met when the ticket is solved. While the ticket is pending (waiting for the
  customer) the resolution clock stops; when it leaves pending, its target moves on by the
  time that was still left.
- With ``business_hours`` a target counts the opening hours of the ticket's team
  (``BusinessHours``); a team without hours, or a policy without it, counts calendar time.

Called from ``tickets.services`` in the change's own transaction; never raises for a
ticket without a policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from trustdesk.core import clock
from trustdesk.tickets import business_hours as bh
from trustdesk.tickets.models import BusinessHours, SlaPolicy, Status, Ticket

AT_RISK = dt.timedelta(minutes=30)  # a target this close is shown (and notified) at risk


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(active=True).filter(
        Q(priority="") | Q(priority=ticket.priority)).filter(
        Q(channel="") | Q(channel=ticket.channel)).order_by("position", "id").first()


def hours_for(ticket: Ticket, policy: SlaPolicy | None) -> bh.Hours:
    if policy is None or not policy.business_hours or ticket.team_id is None:
        return bh.ALWAYS
    row = BusinessHours.objects.filter(team_id=ticket.team_id).first()
    if row is None:
        return bh.ALWAYS
    try:
        return bh.parse(row.timezone, row.schedule, row.holidays)
    except bh.HoursError:
        return bh.ALWAYS  # checked when saved; a rule changed since must not stop tickets


def _due(hours: bh.Hours, start: dt.datetime, minutes: int | None) -> dt.datetime | None:
    if minutes is None:
        return None
    try:
        return bh.add(hours, start, minutes)
    except bh.HoursError:
        return None


def _next_due(ticket: Ticket) -> dt.datetime | None:
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        return None
    due = []
    if ticket.first_responded_at is None and ticket.first_response_due_at:
        due.append(ticket.first_response_due_at)
    if ticket.status != Status.PENDING and ticket.resolution_due_at:
        due.append(ticket.resolution_due_at)
    return min(due) if due else None


def apply_policy(ticket: Ticket) -> None:
    """(Re)start the ticket's targets from its creation under the matching policy."""
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
    else:
        hours = hours_for(ticket, policy)
        start = ticket.created_at or clock.now()
        ticket.first_response_due_at = _due(hours, start, policy.first_response_minutes)
        ticket.resolution_due_at = _due(hours, start, policy.resolution_minutes)
        if ticket.status == Status.PENDING and ticket.paused_at is None:
            ticket.paused_at = clock.now()
    ticket.next_due_at = _next_due(ticket)


def responded(ticket: Ticket, at: dt.datetime) -> None:
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at
    ticket.next_due_at = _next_due(ticket)


def status_changed(ticket: Ticket, before: str, now: dt.datetime | None = None) -> None:
    """After ``ticket.status`` changed from ``before``: pause, resume or stop."""
    now = now or clock.now()
    if ticket.status == Status.PENDING and before != Status.PENDING:
        ticket.paused_at = now
    elif before == Status.PENDING and ticket.status != Status.PENDING:
        if ticket.paused_at and ticket.resolution_due_at:
            hours = hours_for(ticket, ticket.sla_policy)
            left = bh.between(hours, ticket.paused_at, ticket.resolution_due_at)
            ticket.resolution_due_at = _due(hours, now, round(left)) \
                if ticket.resolution_due_at > ticket.paused_at else ticket.resolution_due_at
        ticket.paused_at = None
    ticket.next_due_at = _next_due(ticket)


@dataclass(frozen=True)
class Timer:
    kind: str  # "first_response" or "resolution"
    label: str
    due_at: dt.datetime | None
    state: str  # "running", "at_risk", "breached", "paused", "met", "missed"
    minutes: int  # to the target (negative: past it)


def timers(ticket: Ticket, now: dt.datetime | None = None) -> list[Timer]:
    """How the ticket stands against each of its targets."""
    now = now or clock.now()
    out = []
    if ticket.first_response_due_at:
        out.append(_timer("first_response", "First reply", ticket.first_response_due_at,
                          ticket.first_responded_at, None, now))
    if ticket.resolution_due_at:
        done = ticket.solved_at if ticket.status in (Status.SOLVED, Status.CLOSED) else None
        paused = ticket.paused_at or now if ticket.status == Status.PENDING else None
        out.append(_timer("resolution", "Resolution", ticket.resolution_due_at, done,
                          paused, now))
    return out


def _timer(kind, label, due, done_at, paused_at, now) -> Timer:
    if done_at is not None:
        state = "met" if done_at <= due else "missed"
        return Timer(kind, label, due, state, round((due - done_at).total_seconds() / 60))
    # Paused, the clock stands where it stopped.
    minutes = round((due - (paused_at or now)).total_seconds() / 60)
    if paused_at is not None:
        state = "paused"
    elif due <= now:
        state = "breached"
    elif due - now <= AT_RISK:
        state = "at_risk"
    else:
        state = "running"
    return Timer(kind, label, due, state, minutes)
