"""What the verification panel shows: the caller's state for this person, and which
methods can be used for this customer (never where a code would go)."""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.customers import verified
from trustdesk.verification.methods import METHODS
from trustdesk.verification.services import _customer


@dataclass(frozen=True)
class MethodOffer:
    name: str
    label: str
    kind: str
    available: bool
    answered_by_agent: bool


@dataclass(frozen=True)
class Panel:
    state: verified.State
    methods: list[MethodOffer]
    gates: dict[str, int]  # action → level it needs


def verification_panel(*, actor: Actor, customer_id) -> Panel:
    policy.require(actor, "customer.verify")
    customer = _customer(customer_id)
    state = verified.state(actor, customer.pk)
    offers = [MethodOffer(name=m.name, label=m.label, kind=m.kind,
                          available=m.available(customer.pk),
                          answered_by_agent=m.answered_by_agent) for m in METHODS.values()]
    return Panel(state=state, methods=offers,
                 gates={a: verified.required(a) for a in verified.ACTIONS})
