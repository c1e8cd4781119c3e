"""Custom recognizers declared in YAML, so a team can add "our order numbers are not
PII, our employee ids are" without code::

    recognizers:
      - name: employee_id          # unique, lower_snake
        entity: EMPLOYEE_ID        # UPPER_SNAKE; may be a built-in entity name
        regex: 'EMP-\\d{6}'         # Python syntax; a group named "value" narrows the span
        score: 0.7                 # 0 < score <= 1
        context: [employee, staff] # optional words that raise the score when nearby
        context_required: false    # optional: true drops matches without a context word
        validator: luhn            # optional, one of validators.VALIDATORS
        ignore_case: false         # optional

Every mistake is reported with the file and the line it is on, since the person reading
the error is the one who has that file open.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from trustdesk.core import yamllist
from trustdesk.pii.errors import RecognizerConfigError
from trustdesk.pii.recognizers.base import Context, PatternRecognizer, ScanOptions
from trustdesk.pii.validators import VALIDATORS

_KEYS = {"name", "entity", "regex", "score", "context", "context_required", "validator",
         "ignore_case"}
_REQUIRED = ("name", "entity", "regex")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_ENTITY = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


class CustomRecognizer(PatternRecognizer):
    def __init__(self, *, name: str, entity: str, regex: re.Pattern, score: float,
                 context: tuple[str, ...] = (), context_required: bool = False,
                 validator: str | None = None) -> None:
        self.name = name
        self.entities = (entity,)
        self.pattern = regex
        self.score = score
        self.context = Context(context) if context else None
        self.context_required = context_required
        self.validator = VALIDATORS[validator] if validator else None

    def accept(self, text: str, m: re.Match, start: int, end: int, opts: ScanOptions
               ) -> float | None:
        if self.validator is not None and not self.validator(text[start:end]):
            return None
        labelled = self.context is not None and self.context.near(text, start)
        if self.context_required and not labelled:
            return None
        return self.score + (self.context_boost if labelled else 0.0)


def load_file(path: str | Path) -> list[CustomRecognizer]:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecognizerConfigError(f"{path}: cannot read: {exc}") from None
    return load_text(source, where=str(path))


def load_text(source: str, *, where: str = "<recognizers>") -> list[CustomRecognizer]:
    """Recognizers declared in ``source``; raises ``RecognizerConfigError`` naming
    ``where`` and the line of the first mistake."""
    return yamllist.parse_list(source, where=where, key="recognizers", noun="recognizer",
                               error=RecognizerConfigError, one=_one)


def _one(where: str, node: yaml.Node) -> CustomRecognizer:
    fields = yamllist.mapping(node, where=where, error=RecognizerConfigError, noun="recognizer",
                              keys=_KEYS, required=_REQUIRED,
                              example="name:, entity:, regex: …")
    name = _scalar(where, fields["name"], "name")
    if not _NAME.fullmatch(name):
        _fail(where, fields["name"], f"name {name!r} must be lower_snake_case")
    entity = _scalar(where, fields["entity"], "entity")
    if not _ENTITY.fullmatch(entity):
        _fail(where, fields["entity"], f"entity {entity!r} must be UPPER_SNAKE_CASE")
    ignore_case = _bool(where, fields.get("ignore_case"), "ignore_case")
    regex_text = _scalar(where, fields["regex"], "regex")
    try:
        regex = re.compile(regex_text, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        _fail(where, fields["regex"], f"regex does not compile: {exc}")
    if regex.match(""):
        _fail(where, fields["regex"], "regex matches the empty string")
    score = 0.6
    if "score" in fields:
        try:
            score = float(_scalar(where, fields["score"], "score"))
        except ValueError:
            score = -1.0
        if not 0 < score <= 1:
            _fail(where, fields["score"], "score must be a number in (0, 1]")
    context: tuple[str, ...] = ()
    if "context" in fields:
        node_ = fields["context"]
        if not isinstance(node_, yaml.SequenceNode) or not all(
                isinstance(w, yaml.ScalarNode) and w.value.strip() for w in node_.value):
            _fail(where, node_, "context must be a list of words")
        context = tuple(w.value.strip() for w in node_.value)
    validator = None
    if "validator" in fields:
        validator = _scalar(where, fields["validator"], "validator")
        if validator not in VALIDATORS:
            _fail(where, fields["validator"], f"unknown validator {validator!r}; expected "
                  "one of " + ", ".join(sorted(VALIDATORS)))
    required = _bool(where, fields.get("context_required"), "context_required")
    if required and not context:
        _fail(where, fields["context_required"], "context_required needs a context list")
    return CustomRecognizer(name=name, entity=entity, regex=regex, score=score,
                            context=context, context_required=required, validator=validator)


def _scalar(where: str, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        _fail(where, node, f"{key} must be a non-empty value")
    return node.value.strip()


def _bool(where: str, node: yaml.Node | None, key: str) -> bool:
    if node is None:
        return False
    value = _scalar(where, node, key).lower()
    if value not in ("true", "false", "yes", "no"):
        _fail(where, node, f"{key} must be true or false")
    return value in ("true", "yes")


def _fail(where: str, node: yaml.Node, problem: str):
    yamllist.fail(RecognizerConfigError, where, node, problem)
