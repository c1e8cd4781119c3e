"""What layers above tickets add to its use cases without tickets importing them: the
mail gateway sends a reply by email (``mailgateway.outbound.queue_reply``). A hook runs
inside the use case's transaction, so if it refuses (the reply cannot be emailed), the
reply is not stored either: the agent sees the error instead of a reply nobody got."""

from __future__ import annotations

from collections.abc import Callable

# on_reply(message, actor=...) after a reply to the customer is stored (not a note).
on_reply: list[Callable] = []

# on_survey(survey) when a solved ticket's satisfaction survey is created: the mail
# gateway emails it (``mailgateway.outbound.queue_survey``).
on_survey: list[Callable] = []
