"""The inventory's ``purposes:`` section: what TrustDesk does with a customer's data that
the customer may refuse, beyond what any one field is for.

A purpose on consent (GDPR Art. 6(1)(a), 7) happens only while the customer's consent
stands; one on legitimate interests (Art. 6(1)(f)) happens unless they object (Art. 21).
Every field is a purpose too, under the name ``field:<name>``, with the field's legal
basis: a field on consent is kept only with consent (``customers.consent``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from trustdesk.privacy.errors import InventoryError

_PURPOSE_KEYS = {"name", "label", "legal_basis", "description"}
# A purpose beside the fields is something optional TrustDesk does with a customer's
# data: one they opt in to (consent, GDPR Art. 7) or one they may object to (legitimate
# interests, Art. 21). What a contract or the law requires is not optional, so it has
# no place here: it is a field's own purpose.
PURPOSE_BASES = ("consent", "legitimate_interests")
# A field's own purpose is named after it ("field:preferred_language"), so the two
# namespaces never meet: a purpose name has no colon.
FIELD_PURPOSE = "field:"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LEGAL_BASES = (
    "consent", "contract", "legal_obligation", "vital_interests", "public_task",
    "legitimate_interests",
)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


@dataclass(frozen=True, slots=True)
class PurposeSpec:
    """A processing purpose a customer can give consent to or object to: one declared in
    ``purposes:``, or a field's own (``field:<name>``, its label and purpose)."""

    name: str
    label: str
    legal_basis: str
    description: str
    line: int
    field: str | None = None  # the field a field purpose is about

    @property
    def objectable(self) -> bool:
        """Art. 21(1) lets one object to processing on legitimate interests or a public
        task; consent is withdrawn instead, and the other bases cannot be refused."""
        return self.legal_basis in ("legitimate_interests", "public_task")



def _purpose(path, node: yaml.Node, scalar, choice) -> PurposeSpec:
    if not isinstance(node, yaml.MappingNode):
        raise InventoryError(path, _line(node), "each purpose must be a mapping of keys")
    items: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in _PURPOSE_KEYS:
            raise InventoryError(path, _line(key_node), f"unknown key '{key}'")
        if key in items:
            raise InventoryError(path, _line(key_node), f"key '{key}' given twice")
        items[key] = value_node
    missing = sorted(_PURPOSE_KEYS - items.keys())
    if missing:
        raise InventoryError(path, _line(node), f"purpose is missing {', '.join(missing)}")
    name = scalar(path, items["name"], "name")
    if not _NAME.match(name):
        raise InventoryError(
            path, _line(items["name"]),
            f"name {name!r} must be lower_snake_case (letters, digits, underscores)",
        )
    basis = choice(path, items["legal_basis"], "legal_basis", LEGAL_BASES)
    if basis not in PURPOSE_BASES:
        raise InventoryError(
            path, _line(items["legal_basis"]),
            f"purpose '{name}' rests on {basis}, which a customer can neither give nor "
            f"object to: a purpose's legal_basis must be one of {', '.join(PURPOSE_BASES)} "
            "(declare required processing as a field's purpose)",
        )
    return PurposeSpec(name=name, label=scalar(path, items["label"], "label"),
                       legal_basis=basis,
                       description=scalar(path, items["description"], "description"),
                       line=_line(node))


def parse_purposes(path, node: yaml.Node, scalar, choice) -> tuple[PurposeSpec, ...]:
    """``scalar`` and ``choice`` are the fields' own parsers, so a purpose's keys are
    read and reported as a field's are."""
    if not isinstance(node, yaml.SequenceNode):
        raise InventoryError(path, _line(node), "'purposes' must be a list")
    out: list[PurposeSpec] = []
    for item in node.value:
        spec = _purpose(path, item, scalar, choice)
        if any(p.name == spec.name for p in out):
            raise InventoryError(path, spec.line, f"purpose '{spec.name}' is declared twice")
        out.append(spec)
    return tuple(out)
