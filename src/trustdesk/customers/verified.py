"""Who has verified which caller, to what level, and the gate that actions ask.

A caller on the line is whoever they say they are until they prove it. The methods
(``trustdesk.verification``: a code to a channel on file, a signed link, knowledge of the
company's records) record each factor passed here, for the person it was proved to. The
level is the number of independent kinds of factor passed within the verification window
(``VERIFICATION_MINUTES``): 1 is one factor, 2 is two of different kinds — two codes to
the same mailbox prove one thing twice.

Actions that an impostor would want ask ``require_level`` in their own service, so no
front door can skip it (``VERIFICATION_GATES``): reading out or revealing account data,
changing the email or phone a customer is reached through, changing payment details,
erasing. Overriding the gate needs a reason, is audited and alerts security officers.
TrustDesk's own jobs (the system actor) act on no caller's word and pass.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings

from trustdesk.access.services import alert_verification_override
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers.errors import VerificationRequired
from trustdesk.customers.models import CallerFactor, Customer
from trustdesk.privacy.inventory import get_inventory

ACTIONS = {
    "reveal": "reveal account data",
    "contact_change": "change the email address, phone number or account number",
    "payment_change": "change payment details",
    "erase": "erase the customer",
    "privacy_request": "act on a privacy request (release a copy of the data, correct, "
                       "erase or restrict it)",
}
LEVELS = {0: "not verified", 1: "verified by one factor", 2: "verified by two factors"}
# Where a customer is reached, and where codes and links go: changing one is how an
# account is taken over, so it needs two factors and the old one hears of it.
CONTACT_TYPES = frozenset({"email", "phone"})
# What the company's records find the customer by (verification.facts asks them by it;
# the email address is one already). Changed on a caller's word, the records would
# answer for another account, the caller's own, and a question from them would prove
# nothing: as strict as a change of contact.
RECORD_KEYS = frozenset({"account_number"})


@dataclass(frozen=True)
class State:
    customer_id: uuid.UUID
    level: int
    kinds: tuple[str, ...]  # the kinds of factor passed, oldest first
    expires_at: dt.datetime | None  # when the level next drops

    @property
    def label(self) -> str:
        return LEVELS[self.level]


def window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "VERIFICATION_MINUTES", 15)))


def required(action: str) -> int:
    gates = getattr(settings, "VERIFICATION_GATES", None) or {}
    return int(gates.get(action, 2))  # an action the settings forgot: the strict level


def state(actor: Actor, customer_id) -> State:
    """The verification ``actor`` holds for this customer, now. Factors are the
    actor's own: a colleague's verification of the same caller is theirs. A customer
    signed in to the portal holds the factors they proved there (recorded with no
    member of staff), of their own account only."""
    now = clock.now()
    kinds: dict[str, dt.datetime] = {}
    rows = CallerFactor.objects.none()
    if actor.user_id is not None:
        rows = CallerFactor.objects.filter(customer_id=customer_id, user_id=actor.user_id)
    elif actor.is_customer and actor.customer_id and \
            str(actor.customer_id) == str(customer_id):
        rows = CallerFactor.objects.filter(customer_id=customer_id, user_id__isnull=True)
    rows = rows.filter(passed_at__gt=now - window()).order_by("passed_at")
    for kind, passed in rows.values_list("kind", "passed_at"):
        kinds[kind] = passed  # the newest of each kind
    level = min(len(kinds), 2)
    expires = min(kinds.values()) + window() if kinds else None
    return State(customer_id=_uuid(customer_id), level=level, kinds=tuple(kinds),
                 expires_at=expires)


def verified_customers(actor: Actor, customer_ids) -> set[uuid.UUID]:
    """Of ``customer_ids``, those whose caller proved at least one factor to ``actor``
    within the window: a verified caller gives need-to-know (``visibility``)."""
    if actor.user_id is None or not customer_ids:
        return set()
    rows = CallerFactor.objects.filter(
        user_id=actor.user_id, customer_id__in=list(customer_ids),
        passed_at__gt=clock.now() - window()).values_list("customer_id", flat=True)
    return {_uuid(c) for c in rows}


def factor_passed(*, actor: Actor, customer: Customer, kind: str, method: str) -> State:
    """Record one factor the caller proved to ``actor`` (the verification services call
    this inside their own audited transaction)."""
    if kind not in CallerFactor.Kind.values:
        raise ValueError(f"unknown factor kind {kind!r}")
    CallerFactor.objects.create(customer=customer, user_id=actor.user_id, kind=kind,
                                method=method, passed_at=clock.now())
    return state(actor, customer.pk)


def actions_for_fields(names) -> list[str]:
    """The gated actions a change of these profile fields is."""
    inventory, actions = get_inventory(), []
    for name in names:
        spec = inventory.get(name)
        if spec is None:
            continue
        if (spec.type in CONTACT_TYPES or name in RECORD_KEYS) and \
                "contact_change" not in actions:
            actions.append("contact_change")
        if (spec.tokenized or spec.category == "financial") and \
                "payment_change" not in actions:
            actions.append("payment_change")
    return actions


def require_level(*, actor: Actor, customer_id, actions, override_reason: str | None = None
                  ) -> str | None:
    """Refuse unless ``actor`` has verified this customer's caller to the level each of
    ``actions`` needs. With ``override_reason`` the gate is passed anyway: the reason is
    cleaned and returned for the caller's audit event, and security officers are
    alerted (call inside the use case's transaction). ``VerificationRequired`` names
    the level needed and the level held, so the console can guide the agent."""
    actions = [actions] if isinstance(actions, str) else list(actions)
    if actor.is_system or not actions:
        return None
    needed = max(required(a) for a in actions)
    if needed == 0:
        return None
    held = state(actor, customer_id)
    if held.level >= needed:
        return None
    if override_reason is None:
        raise VerificationRequired(
            f"Verify the caller first: to {ACTIONS[actions[0]]} needs level {needed} "
            f"({LEVELS[needed]}); the caller is {held.label}.",
            needed=needed, held=held.level, detail=f"actions {actions}")
    from trustdesk.customers.reveal import clean_reason

    reason = clean_reason(override_reason)
    alert_verification_override(actor=actor, customer_id=customer_id,
                                action=",".join(actions), reason=reason)
    return reason


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
