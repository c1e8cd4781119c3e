"""The playbooks: per incident type, a checklist of steps with the role that owns each,
some of which act (docs/incidents.md)::

    playbooks:
      - name: account_compromise          # an incident type
        steps:
          - title: Sign the person out everywhere
            owner: security_officer       # a role (access/roles.py)
            action: sign_out              # optional: what the step does (ACTIONS)

Shipped as ``grc/playbooks.yaml``; ``TRUSTDESK_PLAYBOOKS_PATH`` replaces it. Read once
and checked when the app starts, every mistake named with the file and line."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from trustdesk.access.roles import ROLE_LABELS
from trustdesk.core import yamllist
from trustdesk.core.errors import ConfigurationError

SHIPPED = Path(__file__).with_name("playbooks.yaml")
KINDS = ("data_breach", "account_compromise", "phishing", "lost_device", "service_outage")
# What an acting step can do, each through the layer that owns it (grc/actions.py).
ACTIONS = {
    "sign_out": "End every session of the people named",
    "password_reset": "Make their password unusable and end their sessions: they must "
                      "reset it",
    "revoke_tokens": "Revoke their API tokens",
    "suspend": "Suspend their accounts (sessions and tokens end too)",
    "rotate_keys": "Start a rotation of the customer data keys, as a background job",
}


class PlaybooksError(ConfigurationError):
    code = "playbooks_invalid"


@dataclass(frozen=True, slots=True)
class PlaybookStep:
    title: str
    owner: str
    action: str = ""


@dataclass(frozen=True, slots=True)
class Playbook:
    name: str
    steps: tuple[PlaybookStep, ...]


def _fail(where: str, node: yaml.Node, problem: str):
    yamllist.fail(PlaybooksError, where, node, problem)


def _text(where: str, node: yaml.Node, key: str, limit: int = 200) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        _fail(where, node, f"'{key}' must be a non-empty value")
    text = " ".join(str(node.value).split())
    if len(text) > limit:
        _fail(where, node, f"'{key}' is longer than {limit} characters")
    return text


def _step(where: str, node: yaml.Node) -> PlaybookStep:
    fields = yamllist.mapping(node, where=where, error=PlaybooksError, noun="step",
                              keys={"title", "owner", "action"}, required=("title", "owner"),
                              example="title:, owner:, action: …")
    owner = _text(where, fields["owner"], "owner")
    if owner not in ROLE_LABELS:
        _fail(where, fields["owner"], f"owner {owner!r} is no role; use one of "
              + ", ".join(sorted(ROLE_LABELS)))
    action = _text(where, fields["action"], "action") if "action" in fields else ""
    if action and action not in ACTIONS:
        _fail(where, fields["action"], f"action {action!r} is unknown; use one of "
              + ", ".join(ACTIONS))
    return PlaybookStep(title=_text(where, fields["title"], "title"), owner=owner,
                        action=action)


def _one(where: str, node: yaml.Node) -> Playbook:
    fields = yamllist.mapping(node, where=where, error=PlaybooksError, noun="playbook",
                              keys={"name", "steps"}, required=("name", "steps"),
                              example="name:, steps: […]")
    name = _text(where, fields["name"], "name")
    if name not in KINDS:
        _fail(where, fields["name"], f"{name!r} is no incident type; use one of "
              + ", ".join(KINDS))
    steps = fields["steps"]
    if not isinstance(steps, yaml.SequenceNode) or not steps.value:
        _fail(where, steps, f"playbook {name!r}: 'steps' must be a list of at least one step")
    return Playbook(name=name, steps=tuple(_step(f"{where} ({name})", s) for s in steps.value))


def parse(source: str, *, where: str = "<playbooks>") -> dict[str, Playbook]:
    found = yamllist.parse_list(source, where=where, key="playbooks", noun="playbook",
                                error=PlaybooksError, one=_one)
    return {p.name: p for p in found}


@functools.cache
def playbooks() -> dict[str, Playbook]:
    """The playbooks in force, by incident type; a type with none has no checklist."""
    path = Path(getattr(settings, "PLAYBOOKS_PATH", "") or SHIPPED)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybooksError(f"TRUSTDESK_PLAYBOOKS_PATH {path}: cannot read: {exc}") from None
    return parse(source, where=str(path))
