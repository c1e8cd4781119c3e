"""What of a customer profile an actor may see: the field policy and need-to-know,
applied to decrypted profiles before they leave the customers app.

Every selector and service that returns profiles passes them through ``apply``; nothing
else in TrustDesk decides how much of a value to show.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Q

from trustdesk.access import fields as fp
from trustdesk.access import masking
from trustdesk.access.roles import NEED_TO_KNOW_ROLES
from trustdesk.core import compiled
from trustdesk.core.actor import Actor
from trustdesk.customers import verified
from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import CustomerProfile
from trustdesk.privacy.inventory import get_inventory

# NEED_TO_KNOW_ROLES (access.roles): agents, who work one customer at a time.
# The name is what a queue shows: it is never withheld by need-to-know.
ALWAYS_FIELDS = frozenset({"full_name"})


_compiled: dict[tuple[int, str], fp.FieldPolicy] = {}


def field_policy() -> fp.FieldPolicy:
    """The compiled policy for the current inventory and ``ACCESS_FIELD_POLICY``,
    compiled once per (inventory, overrides)."""
    overrides = getattr(settings, "ACCESS_FIELD_POLICY", None) or {}
    inventory = get_inventory()
    key = (id(inventory), json.dumps(overrides, sort_keys=True))
    policy = _compiled.get(key)
    if policy is None:
        policy = _compiled[key] = fp.FieldPolicy(inventory.fields, overrides=overrides)
    return policy


def need_to_know_applies(actor: Actor) -> bool:
    return bool(getattr(settings, "ACCESS_NEED_TO_KNOW", True)) and \
        actor.role in NEED_TO_KNOW_ROLES


def known_customers(actor: Actor, customer_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``customer_ids``, those the actor has a need to know (everyone's, for roles
    need-to-know does not apply to). A ticket gives it when it is the actor's — assigned
    to them, routed to one of their teams, or one they declared a contact on — and it is
    grounded in something the actor did not grant themself:

    * the customer wrote on it (through a channel, not typed in by an agent);
    * its assignment (for the assignee) or routing (for the team) was made by someone
      else: a supervisor, or TrustDesk's own routing;
    * the actor declared a contact on it (a caller on the line, with a reason, audited,
      counted and alerted on in bulk).

    And without a ticket: the customer's caller proved a factor to the actor within the
    verification window (``verified``: a code to a channel on file, a signed link,
    knowledge of the company's records).

    Taking a ticket, opening one, or routing one to one's own team gives nothing by
    itself; anything else is a break-glass access. docs/access.md states the rule."""
    customer_ids = set(customer_ids)
    if not need_to_know_applies(actor):
        return customer_ids
    uid = actor.user_id
    if uid is None:
        return set()
    # Through the reverse relation: customers sit below tickets and do not import them.
    # One row per (customer, ticket, declarer): the rule is applied below, in Python,
    # where "made by someone else" reads plainly (a NOT across a to-many join does not).
    if not customer_ids:
        return set()
    teams = sorted(actor.team_ids)
    customers = sorted(customer_ids)
    prep = Customer._meta.pk.get_db_prep_value
    with connection.cursor() as cur:
        cur.execute(_known_sql(len(teams), len(customers)),
                    [uid, uid, *teams, *(prep(c, connection) for c in customers)])
        rows = cur.fetchall()
    known = {_uuid(customer) for customer, assignee, team, wrote, assigned_by, routed_by,
             declarer in rows
             if _grounded(uid, actor.team_ids, assignee=assignee, team=team, wrote=wrote,
                          assigned_by=assigned_by, routed_by=routed_by, declarer=declarer)}
    rest = customer_ids - known
    return known | verified.verified_customers(actor, rest) if rest else known


def _known_query(uid, team_ids, customer_ids):
    theirs = Q(tickets__assignee_id=uid) | Q(tickets__declared_contacts__user_id=uid)
    if team_ids:
        theirs |= Q(tickets__team_id__in=team_ids)
    return Customer.objects.filter(theirs, pk__in=customer_ids).values_list(
        "pk", "tickets__assignee_id", "tickets__team_id", "tickets__customer_wrote",
        "tickets__assigned_by_user_id", "tickets__routed_by_user_id",
        "tickets__declared_contacts__user_id")


def _known_sql(teams: int, customers: int) -> str:
    """The SQL of ``_known_query`` for this many teams and customers, built once per
    shape (``core.compiled``): building it was most of the cost of a profile's read."""
    def build():
        team_ids = [-2 - i for i in range(teams)]
        ids = [uuid.UUID(int=i + 1) for i in range(customers)]
        prep = Customer._meta.pk.get_db_prep_value
        return (_known_query(-1, team_ids, ids),
                [-1, -1, *team_ids, *(prep(c, connection) for c in ids)])
    return compiled.sql(("known_customers", teams, customers), build)


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _grounded(uid: int, team_ids: frozenset[int], *, assignee, team, wrote, assigned_by,
              routed_by, declarer) -> bool:
    """Whether one ticket gives ``uid`` need-to-know (``known_customers`` states the
    rule). ``None`` for an assigner or router is TrustDesk itself: someone else."""
    if declarer == uid:
        return True
    if assignee == uid and (wrote or assigned_by != uid):
        return True
    return team in team_ids and (wrote or routed_by != uid)


def decisions(actor: Actor, *, known: bool) -> dict[str, str]:
    """Each field's effective decision for ``actor`` on one customer: the policy's, or
    ``locked`` where need-to-know withholds it."""
    policy = field_policy()
    out = {}
    for name, decision in policy.for_role(actor.role).items():
        if decision != fp.HIDDEN and not known and name not in ALWAYS_FIELDS:
            decision = fp.LOCKED
        out[name] = decision
    return out


def shown(spec_type: str, decision: str, value: str) -> str | None:
    """The value as ``decision`` lets it be shown; None if it is not shown at all."""
    if decision == fp.VISIBLE:
        return value
    if decision in (fp.MASKED, fp.REVEALABLE):
        return masking.mask(spec_type, value)
    return None


def apply(actor: Actor, profiles: list[CustomerProfile], *,
          known: set[uuid.UUID] | None = None) -> list[CustomerProfile]:
    """``profiles`` as ``actor`` may see them: hidden and locked fields absent, masked
    and revealable ones masked; ``access`` names each present field's decision.
    ``known``: ``known_customers`` for these profiles when the caller has just asked it
    in the same transaction; otherwise it is asked here."""
    inventory = get_inventory()
    if known is None:
        known = known_customers(actor, (p.id for p in profiles))
    by_known = {k: decisions(actor, known=k) for k in (True, False)}
    out = []
    for p in profiles:
        rules = by_known[p.id in known]
        profile: dict[str, str] = {}
        access: dict[str, str] = {}
        for name, value in p.profile.items():
            decision = rules.get(name, fp.HIDDEN)
            spec = inventory.get(name)
            if decision == fp.HIDDEN or spec is None:
                continue
            access[name] = decision
            if (v := shown(spec.type, decision, value)) is not None:
                profile[name] = v
        out.append(dataclasses.replace(p, profile=profile, access=access))
    return out


def name_for(actor: Actor, value: str | None) -> str | None:
    """A display name as the policy lets ``actor`` see it (names are exempt from
    need-to-know, not from the policy)."""
    if value is None:
        return None
    spec = get_inventory().get("full_name")
    decision = field_policy().decide(actor.role, "full_name")
    return shown(spec.type if spec else "string", decision, value)
