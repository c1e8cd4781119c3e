"""The policy decision point for customer data: how much of each field may a role see?

For every role and every data-inventory field the answer is one of:

- ``hidden``: the field is absent, as if the customer had no such value;
- ``masked``: a partial value (``j***@example.com``, a phone's last four, a card's BIN
  and last four) and no way to see more;
- ``revealable``: masked until the person reveals it, one field at a time, with a reason;
- ``visible``: shown in clear.

Rules are written per role against field names or field attributes (``type:``,
``category:``, ``sensitivity:``, ``*``) so that a field added to the inventory gets a
least-privilege answer without anyone editing this file. They are compiled once into a
``(role, field) → decision`` table: a decision is one dict lookup, because every profile
of every list asks for every field. ``ACCESS_FIELD_POLICY`` (settings) overrides rules
per role.

This module takes the inventory as plain objects with ``name``, ``type``, ``category``
and ``sensitivity``: ``access`` and ``privacy`` sit side by side and do not import each
other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from trustdesk.access import roles
from trustdesk.core.errors import ConfigurationError

HIDDEN = "hidden"
MASKED = "masked"
REVEALABLE = "revealable"
VISIBLE = "visible"
DECISIONS = (HIDDEN, MASKED, REVEALABLE, VISIBLE)

# Need-to-know (agents without a ticket for this customer): the value is withheld like a
# hidden one, but a break-glass reveal with a reason is offered. Not a policy decision:
# the selectors derive it from the relation between agent and customer.
LOCKED = "locked"

SYSTEM_ROLE = "system"


@dataclass(frozen=True, slots=True)
class ConversationField:
    """A kind of value customers write in messages that no profile field holds. The
    policy decides it like a field, under this name, so every role has an answer for it
    and ``ACCESS_FIELD_POLICY`` can change it like any other."""

    name: str
    type: str
    category: str
    sensitivity: str


# Which entities fall under which of these is decided in one place:
# ``customers.entities.ENTITY_FIELDS``.
CONVERSATION_FIELDS = (
    ConversationField("identity_number", "string", "identity", "confidential"),
    ConversationField("bank_account", "string", "financial", "confidential"),
    # Anything else a recognizer finds (a custom YAML entity): the role's catch-all.
    ConversationField("other_value", "string", "identity", "confidential"),
)

# The shipped defaults. Least privilege: each role sees what its job needs. Payment data
# is hidden from everyone but billing and the privacy officer (an admin manages the
# installation, not customers' cards).
_WORKER = {
    "full_name": VISIBLE, "company": VISIBLE, "country": VISIBLE,
    "preferred_language": VISIBLE,
    "email": MASKED, "phone": MASKED,
    "account_number": REVEALABLE, "postal_address": REVEALABLE,
    "date_of_birth": REVEALABLE,
    # Written in messages: an ID number to check against a form, an IBAN for a refund.
    "identity_number": REVEALABLE, "bank_account": REVEALABLE,
    "category:financial": HIDDEN, "type:card_number": HIDDEN,
    "*": MASKED,
}
DEFAULT_RULES: dict[str, dict[str, str]] = {
    roles.AGENT: _WORKER,
    roles.SENIOR_AGENT: {**_WORKER, "email": REVEALABLE, "phone": REVEALABLE},
    roles.SUPERVISOR: {**_WORKER, "email": REVEALABLE, "phone": REVEALABLE},
    roles.BILLING: {
        "full_name": VISIBLE, "company": VISIBLE, "account_number": VISIBLE,
        "email": MASKED, "phone": MASKED, "postal_address": REVEALABLE,
        "category:financial": REVEALABLE, "type:card_number": REVEALABLE,
        "sensitivity:restricted": HIDDEN, "*": MASKED,
    },
    roles.ADMIN: {
        "full_name": VISIBLE, "company": VISIBLE, "email": MASKED,
        "category:financial": HIDDEN, "type:card_number": HIDDEN, "*": HIDDEN,
    },
    roles.SECURITY_OFFICER: {"*": HIDDEN},
    roles.PRIVACY_OFFICER: {"full_name": VISIBLE, "*": REVEALABLE},
    roles.AUDITOR: {"*": HIDDEN},
    # Jobs and the command line act for the installation itself (demo seed, exports
    # run by an operator are audited under their own job name).
    SYSTEM_ROLE: {"*": VISIBLE},
}


class FieldLike(Protocol):
    name: str
    type: str
    category: str
    sensitivity: str


def _resolve(rules: Mapping[str, str], spec: FieldLike) -> str:
    # Most specific first: the field itself, then what kind of data it is.
    for key in (spec.name, f"type:{spec.type}", f"category:{spec.category}",
                f"sensitivity:{spec.sensitivity}", "*"):
        if key in rules:
            return rules[key]
    return HIDDEN  # no rule: fail closed


def _check(rules: Mapping[str, Mapping[str, str]]) -> None:
    for role, by_field in rules.items():
        for key, decision in by_field.items():
            if decision not in DECISIONS:
                raise ConfigurationError(
                    detail=f"ACCESS_FIELD_POLICY[{role!r}][{key!r}] must be one of "
                    f"{', '.join(DECISIONS)}, not {decision!r}")


class FieldPolicy:
    """A compiled policy: ``decide(role, field)`` is a dict lookup. Unknown roles and
    fields are hidden. ``CONVERSATION_FIELDS`` are decided too (not listed in
    ``fields``, which is the inventory's); an inventory field of the same name wins."""

    __slots__ = ("fields", "sensitivity", "table")

    def __init__(self, specs: Iterable[FieldLike],
                 rules: Mapping[str, Mapping[str, str]] | None = None,
                 overrides: Mapping[str, Mapping[str, str]] | None = None) -> None:
        rules = {role: dict(r) for role, r in (rules or DEFAULT_RULES).items()}
        for role, extra in (overrides or {}).items():
            rules[role] = {**rules.get(role, {}), **extra}
        _check(rules)
        specs = list(specs)
        self.fields = tuple(s.name for s in specs)
        specs += [c for c in CONVERSATION_FIELDS if c.name not in self.fields]
        self.sensitivity = {s.name: s.sensitivity for s in specs}
        self.table: dict[tuple[str, str], str] = {
            (role, s.name): _resolve(r, s) for role, r in rules.items() for s in specs
        }

    def decide(self, role: str, field: str) -> str:
        return self.table.get((role, field), HIDDEN)

    def for_role(self, role: str) -> dict[str, str]:
        """Every field's decision for ``role``, in inventory order."""
        return {f: self.decide(role, f) for f in self.fields}

    def restricted(self, field: str) -> bool:
        """Whether revealing ``field`` needs a fresh re-authentication."""
        return self.sensitivity.get(field) == "restricted"
