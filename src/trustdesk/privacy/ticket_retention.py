"""The inventory's ``tickets:`` section: how long a finished ticket, and the messages and
attachments it holds, is kept, by channel and status.

Only finished tickets (solved or closed) have a retention: an open ticket is still being
worked on and is never expired. The most specific rule wins — a channel named over ``*``.
A ticket no rule covers is kept as long as its customer is.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from trustdesk.privacy.errors import InventoryError

# The ticket channels (``tickets.choices.Channel``, a layer above this one; a test keeps
# the two in step) and the statuses that end a ticket's work.
CHANNELS = ("email", "web", "api", "phone", "chat")
FINISHED = ("solved", "closed")
_KEYS = {"channel", "status", "retention"}


@dataclass(frozen=True, slots=True)
class TicketRule:
    channel: str  # a channel, or "*" for every channel
    status: str
    retention: str
    retention_days: int
    line: int


def parse_rules(path, node: yaml.Node, retention_of) -> tuple[TicketRule, ...]:
    """``retention_of(path, node) -> (text, days)`` is the fields' own parser, so that
    "2y" means the same in both sections."""
    if not isinstance(node, yaml.SequenceNode):
        raise InventoryError(path, node.start_mark.line + 1, "'tickets' must be a list")
    rules: dict[tuple[str, str], TicketRule] = {}
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise InventoryError(path, line, "each ticket rule must be a mapping of keys")
        keys = {str(k.value): v for k, v in item.value}
        if unknown := sorted(set(keys) - _KEYS):
            raise InventoryError(path, line, f"unknown key '{unknown[0]}'")
        if missing := sorted(_KEYS - set(keys)):
            raise InventoryError(path, line, f"ticket rule is missing {', '.join(missing)}")
        channel, status = str(keys["channel"].value), str(keys["status"].value)
        if channel != "*" and channel not in CHANNELS:
            raise InventoryError(path, line, f"'channel' must be * or one of "
                                             f"{', '.join(CHANNELS)}; got {channel!r}")
        if status not in FINISHED:
            raise InventoryError(path, line, f"'status' must be solved or closed (an open "
                                             f"ticket is never expired); got {status!r}")
        if (channel, status) in rules:
            raise InventoryError(path, line, f"a rule for {channel} {status} tickets is "
                                             "given twice")
        text, days = retention_of(path, keys["retention"])
        rules[(channel, status)] = TicketRule(channel, status, text, days, line)
    return tuple(rules.values())


def days_for(rules: tuple[TicketRule, ...], channel: str, status: str) -> int | None:
    """Days a finished ticket of ``channel`` in ``status`` is kept; None: no rule."""
    exact = [r for r in rules if r.channel == channel and r.status == status]
    wildcard = [r for r in rules if r.channel == "*" and r.status == status]
    found = exact or wildcard
    return found[0].retention_days if found else None
