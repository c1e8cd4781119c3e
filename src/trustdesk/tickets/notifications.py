"""Notifications to agents — a ticket assigned to them, the customer writing on a ticket
they own or follow, a service-level target near — in the console, and by email through
the job engine.

A notification names the ticket and what happened, never what the ticket says: no
subject, no customer, no message. Its text is built when it is read, and a ticket the
reader can no longer see is listed without a link. Only people who can see the ticket
when it happens are notified, never the person who caused it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.accounts.actors import actor_for_user
from trustdesk.accounts.models import User
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound
from trustdesk.jobs.registry import enqueue
from trustdesk.tickets.models import Follower, Notification, Ticket
from trustdesk.tickets.selectors import visible_tickets

Kind = Notification.Kind


def _can_see(user: User, ticket_id: int) -> bool:
    if not user.is_active:
        return False
    who = actor_for_user(user)
    return policy.has_permission(who, "ticket.view") and visible_tickets(who).filter(
        pk=ticket_id).exists()


def notify(*, ticket: Ticket, kind: str, user_ids: Iterable[int | None], by: Actor,
           key: str = "") -> list[Notification]:
    """Notify each of ``user_ids`` who can see the ticket (not the one who caused it),
    in the caller's transaction; with ``key``, once per user, ticket, kind and key."""
    made = []
    ids = {u for u in user_ids if u is not None and u != by.user_id}
    for user in User.objects.filter(pk__in=ids):
        if not _can_see(user, ticket.pk):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(user=user, ticket=ticket, kind=kind,
                                                   by_user_id=by.user_id, key=key)
        except IntegrityError:
            continue  # already told about this target
        made.append(note)
        if settings.NOTIFY_BY_EMAIL and user.email:
            from trustdesk.tickets import jobs

            enqueue(jobs.notification_email, note.pk)
    return made


def followers(ticket: Ticket) -> list[int]:
    return list(Follower.objects.filter(ticket=ticket).values_list("user_id", flat=True))


# --- Triggers, called from tickets.services in the change's transaction -----------------


def on_assigned(ticket: Ticket, *, by: Actor) -> None:
    if ticket.assignee_id is not None:
        notify(ticket=ticket, kind=Kind.ASSIGNED, user_ids=[ticket.assignee_id], by=by)


def on_customer_wrote(ticket: Ticket, *, by: Actor) -> None:
    notify(ticket=ticket, kind=Kind.CUSTOMER_REPLY,
           user_ids=[ticket.assignee_id, *followers(ticket)], by=by)


def sla_at_risk(*, now: dt.datetime | None = None, window: dt.timedelta | None = None
                ) -> int:
    """Tickets whose next target falls due within ``window`` (or is past): their
    assignee and followers are told once per target. The schedule runs it."""
    from trustdesk.tickets import sla

    now = now or clock.now()
    window = window or sla.AT_RISK
    system = Actor.system("sla watch")
    count = 0
    due = Ticket.objects.filter(next_due_at__isnull=False, next_due_at__lte=now + window,
                                held_at__isnull=True).order_by("next_due_at")[:500]
    for ticket in due:
        with transaction.atomic():
            made = notify(ticket=ticket, kind=Kind.SLA_RISK, by=system,
                          user_ids=[ticket.assignee_id, *followers(ticket)],
                          key=ticket.next_due_at.isoformat()[:64])
        count += len(made)
    return count


# --- Reading, marking read, following -------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    id: int
    kind: str
    text: str
    ticket_id: int
    link: bool  # the reader can still see the ticket
    created_at: dt.datetime
    read: bool


def _text(note: Notification, names: dict[int, str]) -> str:
    by = names.get(note.by_user_id, "TrustDesk") if note.by_user_id else "TrustDesk"
    if note.kind == Kind.ASSIGNED:
        return f"{by} assigned ticket #{note.ticket_id} to you."
    if note.kind == Kind.CUSTOMER_REPLY:
        return f"The customer wrote on ticket #{note.ticket_id}."
    return f"A service-level target of ticket #{note.ticket_id} is near or past."


def notification_list(*, actor: Actor, unread: bool = False, limit: int = 50
                      ) -> list[Shown]:
    policy.require(actor, "ticket.view")
    rows = Notification.objects.filter(user_id=actor.user_id)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    rows = list(rows[:max(1, min(limit, 200))])
    names = dict(User.objects.filter(pk__in={r.by_user_id for r in rows} - {None})
                 .values_list("pk", "full_name"))
    seen = set(visible_tickets(actor).filter(pk__in={r.ticket_id for r in rows})
               .values_list("pk", flat=True))
    return [Shown(r.pk, r.kind, _text(r, names), r.ticket_id, r.ticket_id in seen,
                  r.created_at, r.read_at is not None) for r in rows]


def unread_count(*, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True).count()


def mark_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them without ``ids``)."""
    rows = Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True)
    if ids is not None:
        # An id past 64 bits names nothing (and SQLite cannot bind it in IN (...)).
        rows = rows.filter(pk__in=[int(i) for i in ids if 0 < int(i) < 2**63])
    return rows.update(read_at=clock.now())


@transaction.atomic
def ticket_follow(*, actor: Actor, ticket_id: int, follow: bool = True) -> bool:
    """Follow (or stop following) a ticket the actor can see; returns whether they now
    follow it. Audited: who watches which ticket is worth knowing."""
    policy.require(actor, "ticket.view")
    if actor.user_id is None or not visible_tickets(actor).filter(pk=ticket_id).exists():
        raise NotFound()
    if follow:
        _, created = Follower.objects.get_or_create(ticket_id=ticket_id,
                                                    user_id=actor.user_id)
        changed = created
    else:
        changed = bool(Follower.objects.filter(ticket_id=ticket_id,
                                               user_id=actor.user_id).delete()[0])
    if changed:
        record(actor=actor, action="ticket.follow" if follow else "ticket.unfollow",
               object_type="ticket", object_id=ticket_id)
    return follow


def is_following(*, actor: Actor, ticket_id: int) -> bool:
    return Follower.objects.filter(ticket_id=ticket_id, user_id=actor.user_id).exists()
