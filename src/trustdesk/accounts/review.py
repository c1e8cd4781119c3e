"""Access review: for each agent, the permissions their role holds against those the audit
trail shows them using, and the narrowest role that still covers what they use — and
sees no customer field more, and keeps need-to-know, compared with their role now.

Evidence comes from the trail alone (allowed events in the window), so a permission whose
use is never recorded — listing agents, reading the data map or key status — cannot be
judged unused: it is reported as *not recorded* and a recommendation
always keeps it. Nobody is judged before they have existed for the whole window, and the
last active admin is never recommended away from admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from trustdesk.access import fields as fp
from trustdesk.access import grants, policy
from trustdesk.access.roles import ADMIN, NEED_TO_KNOW_ROLES
from trustdesk.accounts import services
from trustdesk.accounts.models import User
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.privacy.inventory import get_inventory

DEFAULT_DAYS = 90
# What each recorded action shows its actor used. Actions not listed evidence nothing
# (sign-ins, refusals, one's own tokens).
ACTION_PERMISSION = {
    "ticket.view": "ticket.view", "ticket.list": "ticket.view",
    "attachment.download": "ticket.view", "ticket.create": "ticket.create",
    "ticket.reply": "ticket.reply", "ticket.note": "ticket.reply",
    "ticket.update": "ticket.update",
    "customer.view": "customer.view", "customer.list": "customer.view",
    "customer.create": "customer.create", "customer.update": "customer.update",
    "customer.erase": "customer.erase", "customer.reveal": "customer.reveal",
    "alert.view": "alert.read",
    "agent.create": "agent.manage", "agent.update": "agent.manage",
    "agent.unlock": "agent.manage", "agent.end_sessions": "agent.manage",
    "team.create": "team.manage",
    "audit.view": "audit.read", "audit.export": "audit.read", "audit.verify": "audit.read",
    "access.review": "access.review", "access.review_applied": "agent.manage",
    "privacy_request.list": "privacy_request.view",
    "privacy_request.file": "privacy_request.file",
    "privacy_request.extend": "privacy_request.manage",
    "privacy_request.pause": "privacy_request.manage",
    "privacy_request.resume": "privacy_request.manage",
    "privacy_request.close": "privacy_request.manage",
    "privacy_request.view": "privacy_request.view",
    "privacy_request.identity": "privacy_request.file",
    "privacy_request.fulfil": "privacy_request.manage",
    "privacy_request.refused": "privacy_request.manage",
    "customer.restriction_lift": "privacy_request.manage",
    "consent.list": "consent.view", "consent.give": "consent.manage",
    "consent.withdraw": "consent.manage", "consent.object": "consent.manage",
    "retention.preview": "retention.view", "retention.approve": "retention.run",
    "legal_hold.list": "retention.view", "legal_hold.set": "legal_hold.manage",
    "legal_hold.release": "legal_hold.manage",
    "processing_record.view": "processing_record.view",
    "processing_record.export": "processing_record.view",
    "incident.view": "incident.view", "incident.export": "incident.view",
    "incident.open": "incident.manage", "incident.update": "incident.manage",
    "incident.link": "incident.manage", "incident.step": "incident.manage",
    "incident.notice": "incident.manage", "incident.report": "incident.manage",
    "incident.act": "incident.act", "bulletin.publish": "bulletin.publish",
    "bulletin.read": "bulletin.read",
    "insider.alert_list": "insider.view", "insider.alert_view": "insider.view",
    "insider.acknowledge": "insider.manage", "insider.dismiss": "insider.manage",
    "insider.incident": "insider.manage",
}
# Reassigning a ticket is recorded as ticket.update naming these fields.
_ASSIGN_FIELDS = {"assignee_id", "team_id"}
NOT_RECORDED = frozenset({"agent.view", "datamap.read", "keys.view"})


@dataclass
class AgentReview:
    user_id: int
    email: str
    full_name: str
    role: str
    held: list[str]
    used: dict[str, int]
    unused: list[str]
    not_recorded: list[str]
    recommended_role: str | None = None
    note: str = ""
    removals: list[str] = field(default_factory=list)


def _usage(user_ids: list[int], since: dt.datetime) -> dict[int, dict[str, int]]:
    usage: dict[int, dict[str, int]] = {uid: {} for uid in user_ids}
    rows = (AuditEvent.objects.filter(actor_user_id__in=user_ids, at__gte=since,
                                      outcome=AuditEvent.Outcome.ALLOWED)
            .values_list("actor_user_id", "action").annotate(n=Count("id")))
    for user_id, action, n in rows:
        if permission := ACTION_PERMISSION.get(action):
            usage[user_id][permission] = usage[user_id].get(permission, 0) + n
    assigners = {uid for uid, used in usage.items() if "ticket.update" in used}
    for user_id in assigners:
        updates = AuditEvent.objects.filter(actor_user_id=user_id, at__gte=since,
                                            action="ticket.update",
                                            outcome=AuditEvent.Outcome.ALLOWED)
        n = sum(1 for e in updates.iterator() if _ASSIGN_FIELDS & set(e.fields))
        if n:
            usage[user_id]["ticket.assign"] = n
    return usage


# How much of a value each decision shows, least first.
_SHOWS = {fp.HIDDEN: 0, fp.MASKED: 1, fp.REVEALABLE: 2, fp.VISIBLE: 3}


def _field_policy() -> fp.FieldPolicy:
    # The policy customers.visibility.field_policy() serves, compiled from the same
    # inputs: accounts sits below customers and cannot ask it.
    return fp.FieldPolicy(get_inventory().fields,
                          overrides=getattr(settings, "ACCESS_FIELD_POLICY", None) or {})


def sees_no_more(candidate: str, current: str, policy: fp.FieldPolicy) -> bool:
    """Whether ``candidate`` shows no field more than ``current`` does and keeps
    need-to-know if ``current`` has it: fewer permissions alone do not make a role
    narrower (one could see cards in clear that the other never sees)."""
    if current in NEED_TO_KNOW_ROLES and candidate not in NEED_TO_KNOW_ROLES:
        return False
    now, then = policy.for_role(current), policy.for_role(candidate)
    return all(_SHOWS[then[name]] <= _SHOWS[decision] for name, decision in now.items())


def _narrowest(needed: set[str], current: str) -> tuple[str | None, bool]:
    """The role with the fewest permissions that holds ``needed``, nothing the current
    role lacks, and sees no customer data the current role does not
    (``sees_no_more``) — a recommendation only ever takes away — if narrower than the
    current one (ties broken by name, so the answer is stable). The flag says a role
    narrower in permissions was passed over because it would see more."""
    roles = grants.table()
    held = roles.get(current, frozenset())
    policy = _field_policy()
    fits = sorted((len(perms), role) for role, perms in roles.items()
                  if needed <= perms <= held and len(perms) < len(held))
    wider = [role for _, role in fits if not sees_no_more(role, current, policy)]
    fits = [(n, role) for n, role in fits if role not in wider]
    return (fits[0][1] if fits else None), bool(wider)


def _review(user: User, used: dict[str, int], *, since: dt.datetime,
            last_admin: bool) -> AgentReview:
    held = grants.permissions_for(user.role)
    if "ticket.view_all" in held and "ticket.view" in used:
        # A holder's ticket lists and views span every ticket: count them as its use
        # (which errs towards keeping it).
        used = {**used, "ticket.view_all": used["ticket.view"]}
    not_recorded = sorted(held & NOT_RECORDED)
    unused = sorted(held - NOT_RECORDED - set(used))
    review = AgentReview(user_id=user.pk, email=user.email, full_name=user.full_name,
                         role=user.role, held=sorted(held), used=dict(sorted(used.items())),
                         unused=unused, not_recorded=not_recorded)
    if user.date_joined > since:
        review.note = "joined within the review window; not judged yet"
    elif last_admin:
        review.note = "the last active admin stays admin"
    elif unused:
        role, passed_over = _narrowest(set(used) | set(not_recorded), user.role)
        if role:
            review.recommended_role = role
            review.removals = sorted(held - grants.permissions_for(role))
        elif passed_over:
            review.note = ("the roles with fewer permissions would see more customer "
                           "data; none is recommended")
    return review


def access_review(*, actor: Actor, days: int = DEFAULT_DAYS,
                  user_id: int | None = None) -> list[AgentReview]:
    """Every active agent's review (or one agent's). Requires ``access.review``; the
    review itself is recorded."""
    policy.require(actor, "access.review")
    if not 1 <= days <= 3650:
        raise ValidationError("days must be between 1 and 3650.", field="days")
    since = clock.now() - dt.timedelta(days=days)
    users = User.objects.filter(is_active=True).order_by("full_name", "pk")
    if user_id is not None:
        users = users.filter(pk=user_id)
    users = list(users)
    admins = User.objects.filter(is_active=True, role=ADMIN).count()
    usage = _usage([u.pk for u in users], since)
    with transaction.atomic():
        record(actor=actor, action="access.review", object_type="agent",
               object_id=user_id or "", context={"days": days})
    return [_review(u, usage[u.pk], since=since, last_admin=u.role == ADMIN and admins == 1)
            for u in users]


@transaction.atomic
def apply_recommendation(*, actor: Actor, user_id: int, role: str,
                         days: int = DEFAULT_DAYS) -> User:
    """Move an agent to the role the review recommends (one click), audited. ``role``
    must be the current recommendation, so a stale page cannot apply something else.
    Requires ``access.review`` and ``agent.manage``."""
    policy.require(actor, "agent.manage")
    policy.require_reauthentication(actor)  # a role change alters who can see what
    reviews = access_review(actor=actor, days=days, user_id=user_id)
    if not reviews or reviews[0].recommended_role != role:
        raise ValidationError("That is not the current recommendation for this agent; "
                              "reload the review.", field="role")
    review = reviews[0]
    user = services.user_update(actor=actor, user_id=user_id, role=role)
    record(actor=actor, action="access.review_applied", object_type="agent",
           object_id=user_id, fields=["role"],
           context={"from": review.role, "to": role, "removed": review.removals,
                    "days": days})
    return user
