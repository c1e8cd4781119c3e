"""A playbook's acting steps (docs/incidents.md): each does its work through the layer
that owns it — accounts for sessions, passwords, tokens and suspension
(``accounts/containment.py``), the job engine for a key rotation, which is enqueued and
never run inside the request — and is recorded as ``incident.act`` with what it did
(counts per person), in the same transaction: an action that fails records nothing and
leaves the step open."""

from __future__ import annotations

from django.db import transaction

from trustdesk.access import policy
from trustdesk.accounts import containment
from trustdesk.accounts.models import User
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.grc import services
from trustdesk.grc.models import Step

_ON_PEOPLE = {
    "sign_out": containment.sign_out,
    "password_reset": containment.force_password_reset,
    "revoke_tokens": containment.revoke_tokens,
    "suspend": containment.suspend,
}


def _people(user_ids) -> list[User]:
    try:
        ids = sorted({int(u) for u in user_ids or ()})
    except (TypeError, ValueError):
        raise ValidationError("Name the members of staff involved.", field="user_ids") from None
    if not ids:
        raise ValidationError("Name the members of staff this step acts on.",
                              field="user_ids")
    if not all(0 < i < 2**63 for i in ids):  # SQLite cannot even bind one past 64 bits
        raise ValidationError("No such member of staff.", field="user_ids")
    users = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(users) != len(ids):
        raise ValidationError("No such member of staff.", field="user_ids")
    return users


def _rotate() -> dict:
    from trustdesk.jobs.services import start_rotation

    # The data keys: a breach may have exposed wrapped keys or ciphertext; rewrapping
    # and resealing is long work, so it runs as a job with progress on the jobs page.
    return {"rotation_job": str(start_rotation("data").id)}


@transaction.atomic
def step_act(*, actor: Actor, incident_id, step_id, user_ids=()) -> Step:
    policy.require(actor, "incident.act")
    policy.require_reauthentication(actor)
    row = services.locked(incident_id)
    step = services.step_locked(row, step_id)
    if not step.action:
        raise ValidationError("This step does not act; tick it off instead.", field="step")
    if step.action == "rotate_keys":
        result = _rotate()
    else:
        people, result = _people(user_ids), {"people": {}}
        for user in people:
            result["people"][str(user.pk)] = _ON_PEOPLE[step.action](actor=actor, user=user)
        totals: dict[str, int] = {}
        for counts in result["people"].values():
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        result["totals"] = totals
    step.done_at, step.done_by, step.result = clock.now(), actor.label, result
    step.save(update_fields=["done_at", "done_by", "result"])
    services.audit(actor, "incident.act", row, step=step.pk, does=step.action,
                   counts=result.get("totals", {}), people=sorted(result.get("people", {})),
                   job=result.get("rotation_job"))
    return step
