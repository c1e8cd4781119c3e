"""The data inventory: the declared list of customer data TrustDesk may hold.

Parsing keeps YAML line numbers so a bad file is reported at the line to fix. The loaded
inventory is immutable; ``get_inventory()`` returns the one named by settings, loaded once
at startup (``PrivacyConfig.ready``) so a broken file stops the server before it serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from trustdesk.privacy import purposes as purpose_rules
from trustdesk.privacy import ticket_retention
from trustdesk.privacy.errors import InventoryError
from trustdesk.privacy.purposes import FIELD_PURPOSE, LEGAL_BASES, PURPOSE_BASES, PurposeSpec
from trustdesk.vault.cards import is_sensitive_authentication_name

FIELD_TYPES = (
    "string", "text", "email", "phone", "date", "country", "language", "card_number",
)
CATEGORIES = ("contact", "identity", "account", "financial", "preferences", "technical")
SENSITIVITIES = ("public", "internal", "confidential", "restricted")
_REQUIRED_KEYS = {
    "name", "type", "category", "sensitivity", "purpose", "legal_basis", "required", "retention",
}
_OPTIONAL_KEYS = {"label", "searchable"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RETENTION = re.compile(r"^(\d{1,4})([dwmy])$")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    type: str
    category: str
    sensitivity: str
    purpose: str
    legal_basis: str
    required: bool
    retention: str
    retention_days: int
    searchable: bool
    line: int

    @property
    def tokenized(self) -> bool:
        """Card numbers are replaced by a vault token; only BIN and last four are shown."""
        return self.type == "card_number"


@dataclass(frozen=True, slots=True)
class Inventory:
    path: str
    fields: tuple[FieldSpec, ...]
    by_name: dict[str, FieldSpec]
    tickets: tuple[ticket_retention.TicketRule, ...] = ()
    purposes: tuple[PurposeSpec, ...] = ()

    def get(self, name: str) -> FieldSpec | None:
        return self.by_name.get(name)

    def purpose(self, name: str) -> PurposeSpec | None:
        """A declared purpose, or ``field:<name>`` for a declared field."""
        if name.startswith(FIELD_PURPOSE):
            spec = self.by_name.get(name[len(FIELD_PURPOSE):])
            return None if spec is None else PurposeSpec(
                name=name, label=spec.label, legal_basis=spec.legal_basis,
                description=spec.purpose, line=spec.line, field=spec.name)
        return next((p for p in self.purposes if p.name == name), None)

    @property
    def optional_purposes(self) -> tuple[PurposeSpec, ...]:
        """What a customer may opt in to or object to: the declared purposes, then the
        fields that rest on consent or legitimate interests."""
        own = tuple(self.purpose(FIELD_PURPOSE + f.name) for f in self.fields
                    if f.legal_basis in PURPOSE_BASES)
        return self.purposes + own

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def ticket_retention_days(self, channel: str, status: str) -> int | None:
        return ticket_retention.days_for(self.tickets, channel, status)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(path, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InventoryError(path, _line(node), f"'{key}' must be a non-empty value")
    return str(node.value).strip()


def _bool(path, node: yaml.Node, key: str) -> bool:
    value = _scalar(path, node, key).lower()
    if value not in ("true", "false", "yes", "no"):
        raise InventoryError(path, _line(node), f"'{key}' must be true or false, not {value!r}")
    return value in ("true", "yes")


def _choice(path, node: yaml.Node, key: str, allowed: tuple[str, ...]) -> str:
    value = _scalar(path, node, key)
    if value not in allowed:
        raise InventoryError(
            path, _line(node), f"'{key}' must be one of {', '.join(allowed)}; got {value!r}"
        )
    return value


def _retention(path, node: yaml.Node) -> tuple[str, int]:
    """"3y" → ("3y", 1095): a year is 365 days and a month 30, so a period is a fixed
    number of days whatever the calendar (docs/privacy.md)."""
    retention = _scalar(path, node, "retention")
    match = _RETENTION.match(retention)
    if not match or int(match.group(1)) == 0:
        raise InventoryError(
            path, _line(node),
            f"retention {retention!r} must be a positive number and a unit (d, w, m, y)",
        )
    return retention, int(match.group(1)) * _UNIT_DAYS[match.group(2)]


def _field(path, node: yaml.Node) -> FieldSpec:
    if not isinstance(node, yaml.MappingNode):
        raise InventoryError(path, _line(node), "each field must be a mapping of keys")
    items: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in _REQUIRED_KEYS | _OPTIONAL_KEYS:
            raise InventoryError(path, _line(key_node), f"unknown key '{key}'")
        if key in items:
            raise InventoryError(path, _line(key_node), f"key '{key}' given twice")
        items[key] = value_node
    missing = sorted(_REQUIRED_KEYS - items.keys())
    if missing:
        raise InventoryError(path, _line(node), f"field is missing {', '.join(missing)}")

    name = _scalar(path, items["name"], "name")
    if not _NAME.match(name):
        raise InventoryError(
            path, _line(items["name"]),
            f"name {name!r} must be lower_snake_case (letters, digits, underscores)",
        )
    if is_sensitive_authentication_name(name):
        raise InventoryError(
            path, _line(items["name"]),
            f"'{name}' would hold card security codes or PINs, which may never be stored "
            "(PCI DSS 3.3.1)",
        )
    retention, retention_days = _retention(path, items["retention"])
    return FieldSpec(
        name=name,
        label=_scalar(path, items["label"], "label") if "label" in items
        else name.replace("_", " ").capitalize(),
        type=_choice(path, items["type"], "type", FIELD_TYPES),
        category=_choice(path, items["category"], "category", CATEGORIES),
        sensitivity=_choice(path, items["sensitivity"], "sensitivity", SENSITIVITIES),
        purpose=_scalar(path, items["purpose"], "purpose"),
        legal_basis=_choice(path, items["legal_basis"], "legal_basis", LEGAL_BASES),
        required=_bool(path, items["required"], "required"),
        retention=retention,
        retention_days=retention_days,
        searchable=_bool(path, items["searchable"], "searchable") if "searchable" in items
        else False,
        line=_line(node),
    )


def parse_inventory(text: str, path: str = "<inventory>") -> Inventory:
    """Parse and validate an inventory document.

    Raises ``InventoryError`` naming the line of the first problem.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InventoryError(path, mark.line + 1 if mark else None, str(exc.problem)) from exc
    if not isinstance(root, yaml.MappingNode):
        raise InventoryError(path, 1, "the file must be a mapping with 'version' and 'fields'")
    top = {str(k.value): v for k, v in root.value}
    unknown = set(top) - {"version", "fields", "tickets", "purposes"}
    if unknown:
        key = next(k for k, _ in root.value if k.value in unknown)
        raise InventoryError(path, _line(key), f"unknown key '{key.value}'")
    if "version" not in top or _scalar(path, top["version"], "version") != "1":
        raise InventoryError(path, 1, "'version: 1' is required")
    fields_node = top.get("fields")
    if not isinstance(fields_node, yaml.SequenceNode) or not fields_node.value:
        line = _line(fields_node) if fields_node is not None else 1
        raise InventoryError(path, line, "'fields' must be a non-empty list")
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for node in fields_node.value:
        spec = _field(path, node)
        if spec.name in seen:
            raise InventoryError(path, spec.line, f"field '{spec.name}' is declared twice")
        seen.add(spec.name)
        fields.append(spec)
    tickets = ticket_retention.parse_rules(path, top["tickets"], _retention) \
        if "tickets" in top else ()
    purposes = purpose_rules.parse_purposes(path, top["purposes"], _scalar, _choice) \
        if "purposes" in top else ()
    return Inventory(path=path, fields=tuple(fields), by_name={f.name: f for f in fields},
                     tickets=tickets, purposes=purposes)


def load_inventory(path: Path | str) -> Inventory:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InventoryError(path, None, f"cannot be read ({exc.strerror})") from exc
    return parse_inventory(text, str(path))


@cache
def _load_cached(path: str) -> Inventory:
    return load_inventory(path)


def get_inventory() -> Inventory:
    """The inventory named by settings (``TRUSTDESK_INVENTORY_PATH``)."""
    from django.conf import settings

    return _load_cached(str(settings.DATA_INVENTORY_PATH))
