from __future__ import annotations

import uuid
from dataclasses import dataclass

from trustdesk.verification.models import Challenge


@dataclass(frozen=True)
class Prompt:
    """What the agent is told to do next: never a value from the records."""

    text: str
    answer_label: str = ""  # what the agent types: "" when nothing (a link)


class Method:
    name = ""
    kind = ""  # customers.models.CallerFactor.Kind
    label = ""
    # The agent types what the caller says; False for a link the customer opens.
    answered_by_agent = True

    def available(self, customer_id: uuid.UUID) -> bool:
        raise NotImplementedError

    def begin(self, challenge: Challenge, *, self_service: bool = False) -> Prompt:
        """Prepare ``challenge`` (saved by the caller after this returns) and send what
        must be sent. Raise ``Undeliverable`` when it cannot be sent. ``self_service``:
        the customer asked for it themself, in the portal, and types the answer there."""
        raise NotImplementedError

    def check(self, challenge: Challenge, answer: str) -> bool:
        raise NotImplementedError
