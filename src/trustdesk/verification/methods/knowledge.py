"""A question from the company's records: the caller answers, the agent types what they
heard, and TrustDesk says only whether it matches. The record is read again when the
answer is checked; the agent never sees it and the challenge keeps only which record
was asked about."""

from __future__ import annotations

import secrets

from trustdesk.verification import answers, facts
from trustdesk.verification.methods.base import Method, Prompt
from trustdesk.verification.models import Challenge


class NoQuestion(Exception):
    pass


class Knowledge(Method):
    name = "knowledge"
    kind = "knowledge"
    label = "A question from the company's records"

    def available(self, customer_id) -> bool:
        # Cheap: a connected system is asked only when a question is begun.
        return facts.configured() or facts.card_on_file(customer_id)

    def begin(self, challenge: Challenge, *, self_service: bool = False) -> Prompt:
        held = facts.facts_for(challenge.customer_id)
        if not held:
            raise NoQuestion()
        # A different question each time, chosen by the system, not the agent: an
        # agent who could pick would pick the one an impostor told them they know.
        challenge.question = secrets.choice(sorted(held))
        return Prompt(text=facts.QUESTIONS[challenge.question],
                      answer_label="What the caller said")

    def check(self, challenge: Challenge, answer: str) -> bool:
        record = facts.facts_for(challenge.customer_id).get(challenge.question)
        return record is not None and answers.same(challenge.question, answer, record.value)
