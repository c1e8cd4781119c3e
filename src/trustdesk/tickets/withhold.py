"""Card fragments in a conversation, as the field policy lets the reader see them.

Intake replaces a card number in a message with ``[card 411111••••••1111, token …]``. The
BIN and last four are payment data: a role from which the policy hides card fields
(an admin, an agent) must not read them in a conversation either. For such a reader the
whole fragment — masked number and token — becomes ``[card number withheld]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trustdesk.access import fields as fp
from trustdesk.core.actor import Actor
from trustdesk.customers.visibility import field_policy
from trustdesk.privacy.inventory import get_inventory

CARD_FRAGMENT = re.compile(r"\[card [0-9•*\s]{4,40}, token card_[A-Za-z0-9_-]{24}\]")
WITHHELD = "[card number withheld]"


def cards_hidden(actor: Actor) -> bool:
    """Whether the policy hides every card field from ``actor``'s role."""
    policy = field_policy()
    cards = [f.name for f in get_inventory().fields if f.type == "card_number"]
    return not cards or all(policy.decide(actor.role, n) == fp.HIDDEN for n in cards)


def withhold_cards(actor: Actor, messages: Iterable) -> None:
    """Replace card fragments in opened message bodies, in place, if ``actor`` may not
    see card data."""
    if actor.is_system or not cards_hidden(actor):
        return
    for message in messages:
        if "[card " in message.body:
            message.body = CARD_FRAGMENT.sub(WITHHELD, message.body)


def withhold_cards_in_bytes(actor: Actor, content: bytes, content_type: str) -> bytes:
    """The same for an attachment. Intake writes card fragments into every file it reads
    as text, whatever its label (JSON, XML, CSV, a HAR file, a log called ``.png``), so
    every file is withheld from, not only ``text/*``; bytes that are not UTF-8 pass
    through unchanged (``surrogateescape``)."""
    if b"[card " not in content or actor.is_system or not cards_hidden(actor):
        return content
    text = content.decode("utf-8", errors="surrogateescape")
    return CARD_FRAGMENT.sub(WITHHELD, text).encode("utf-8", errors="surrogateescape")
