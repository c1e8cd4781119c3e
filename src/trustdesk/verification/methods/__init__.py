"""The verification methods, each a small class in one registry (``METHODS``).

A method says which kind of factor it proves (``customers.verified``: the registered
email, the registered phone, or knowledge of the company's records), whether it can be
used for a customer, how a challenge begins (send a code, pick a question) and how an
answer is checked. Two methods of one kind prove one thing: a code and a link to the
same mailbox are one factor.
"""

from __future__ import annotations

from trustdesk.verification.methods.base import Method, Prompt
from trustdesk.verification.methods.codes import EmailCode, SmsCode
from trustdesk.verification.methods.knowledge import Knowledge
from trustdesk.verification.methods.link import EmailLink

METHODS: dict[str, Method] = {m.name: m for m in (EmailCode(), SmsCode(), EmailLink(),
                                                  Knowledge())}


def method(name: str) -> Method | None:
    return METHODS.get(name)


__all__ = ["METHODS", "Method", "Prompt", "method"]
