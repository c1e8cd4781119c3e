"""Reads of agents, teams and tokens, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from trustdesk.access import policy
from trustdesk.accounts import lockout
from trustdesk.accounts.models import ApiToken, Team, User
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound


def user_list(*, actor: Actor, active_only: bool = False) -> QuerySet[User]:
    policy.require(actor, "agent.view")
    users = User.objects.prefetch_related("teams").order_by("full_name")
    return users.filter(is_active=True) if active_only else users


def assignable_users(*, actor: Actor, also: User | None = None) -> list[User]:
    """Who a ticket can be assigned to, each once: active people whose role may reply
    (the rule ``tickets.services`` enforces on assignment; an auditor or a privacy
    officer is never offered). Without ``agent.view``, only the actor themself and
    ``also`` (the current assignee, so the form shows who holds the ticket)."""
    from trustdesk.access import grants

    may_reply = {role for role, held in grants.table().items() if "ticket.reply" in held}
    if policy.has_permission(actor, "agent.view"):
        people = list(User.objects.filter(is_active=True, role__in=may_reply)
                      .order_by("full_name", "pk"))
    else:
        people = [u for u in User.objects.filter(pk__in=[actor.user_id, getattr(also, "pk",
                                                                                  None)])
                  .order_by("full_name", "pk") if u.is_active and u.role in may_reply]
    if also is not None and all(u.pk != also.pk for u in people):
        people.append(also)  # shown as it is, even if they could no longer take it
    return people


def user_get(*, actor: Actor, user_id: int) -> User:
    if actor.user_id != user_id and not policy.has_permission(actor, "agent.view"):
        raise NotFound()
    user = User.objects.prefetch_related("teams").filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def user_by_email(email: str) -> User | None:
    """For CLI bootstrap only (no actor exists yet)."""
    return User.objects.filter(email=email.strip().lower()).first()


def is_locked(user: User) -> bool:
    """Whether sign-in is locked for this agent right now."""
    return lockout.is_locked(user.email)


def team_list(*, actor: Actor) -> QuerySet[Team]:
    policy.require(actor, "agent.view")
    return Team.objects.order_by("name")


def teams_to_file_in(*, actor: Actor) -> QuerySet[Team]:
    """The teams whose queue ``actor`` may open a ticket in: their own, or every team
    with ``ticket.view_all`` (the rule ``tickets.services.ticket_create`` applies)."""
    if policy.has_permission(actor, "ticket.view_all"):
        return Team.objects.order_by("name")
    return Team.objects.filter(pk__in=actor.team_ids).order_by("name")


def token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens."""
    return ApiToken.objects.filter(user_id=actor.user_id).order_by("-created_at")
