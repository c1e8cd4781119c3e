"""Use cases of caller verification: begin a challenge, answer it, confirm a link.

Each is audited in its own transaction (a failed answer too: failure is what guessing
looks like). Limits, shared by every server process through the counters the sign-in
lockout uses: challenges per person per customer per hour, codes and links sent to one
customer per hour (a flood of codes is a nuisance and a way to wear a customer into
reading one out), attempts per challenge, and wrong answers per customer per hour (as
many as three failed challenges hold, in however many challenges they were given),
after which the customer cannot be verified for the rest of the hour and security
officers are alerted.

``start_for`` and ``answer_for`` are the flow itself, after authorisation: the staff's
use cases call them once ``customer.verify`` is checked, the portal's
(``verification.portal``) once the actor is the signed-in customer, so a customer
verifying themself meets the same limits, hashing and audit as a caller on the line.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction

from trustdesk.access import policy
from trustdesk.access.services import alert_verification_failures
from trustdesk.accounts.counters import Counters, DatabaseCounters, RedisCounters
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, RateLimited, ValidationError
from trustdesk.customers import verified
from trustdesk.customers.delivery import Undeliverable
from trustdesk.customers.models import Customer
from trustdesk.verification.methods import Method, Prompt, method
from trustdesk.verification.methods.knowledge import NoQuestion
from trustdesk.verification.methods.link import token_parts
from trustdesk.verification.models import Challenge

HOUR = 3600
FAILED_CHALLENGES = 3  # their wrong answers per customer per hour, then no more
ANSWER_MAX = 200


@dataclass(frozen=True)
class Started:
    challenge_id: uuid.UUID
    method: str
    prompt: Prompt
    expires_at: dt.datetime


@dataclass(frozen=True)
class Answered:
    matches: bool
    attempts_left: int
    state: verified.State


@cache
def _counters() -> Counters:
    if settings.REDIS_URL:
        return RedisCounters(settings.REDIS_URL, f"{settings.REDIS_PREFIX}verify:")
    return DatabaseCounters()


def _customer(customer_id) -> Customer:
    try:
        customer = Customer.objects.filter(pk=uuid.UUID(str(customer_id))).first()
    except ValueError:
        customer = None
    if customer is None or customer.status != Customer.Status.ACTIVE:
        raise NotFound()
    return customer


def _over(key: str, limit: int) -> bool:
    return _counters().hit(key, HOUR) > limit


def _blocked(customer: Customer) -> bool:
    return bool(_counters().locked_until(f"blocked:{customer.pk}"))


def _refuse_blocked(customer: Customer) -> None:
    if _blocked(customer):
        raise RateLimited("This customer cannot be verified for the rest of the hour: "
                          "too many failed attempts. Security officers have been told.",
                          retry_after=HOUR)


def challenge_start(*, actor: Actor, customer_id, method_name: str) -> Started:
    """Begin verifying a customer's caller by ``method_name``. No need-to-know is
    needed to begin (it is what passing gives) and nothing of the customer is shown:
    the prompt says what to ask, never what the answer is, nor where a code went."""
    policy.require(actor, "customer.verify")
    chosen = method(method_name)
    if chosen is None:
        raise ValidationError("Choose a verification method.", field="method")
    return start_for(actor=actor, customer=_customer(customer_id), chosen=chosen)


def start_for(*, actor: Actor, customer: Customer, chosen: Method) -> Started:
    """Begin a challenge of ``actor``'s for ``customer``, once the use case has decided
    that ``actor`` may (the staff's permission, or the customer themself in the
    portal): one set of limits, one way of sending, one audit trail for both."""
    _refuse_blocked(customer)
    if _over(f"start:{actor.user_id or actor.label}:{customer.pk}",
             int(settings.VERIFICATION_STARTS_PER_HOUR)):
        raise RateLimited("Too many verifications of this customer in an hour.",
                          retry_after=HOUR)
    sends = chosen.name != "knowledge"
    if sends and _over(f"send:{customer.pk}", int(settings.VERIFICATION_SENDS_PER_HOUR)):
        raise RateLimited("Enough codes and links have gone to this customer for now: ask "
                          "a question from their records instead, or try later.",
                          retry_after=HOUR)
    minutes = int(settings.VERIFICATION_CODE_MINUTES)
    challenge = Challenge(customer=customer, user_id=actor.user_id,
                          actor_label=actor.label[:254], method=chosen.name,
                          expires_at=clock.now() + dt.timedelta(minutes=minutes))
    try:
        prompt = chosen.begin(challenge, self_service=actor.is_customer)
    except NoQuestion:
        raise Conflict("No records of this customer to ask about: use a code instead.",
                       field="method") from None
    except Undeliverable:
        _audit(actor, customer, "verification.undelivered", challenge, denied=True)
        raise
    with transaction.atomic():
        challenge.save()
        _audit(actor, customer, "verification.start", challenge)
    return Started(challenge_id=challenge.id, method=chosen.name, prompt=prompt,
                   expires_at=challenge.expires_at)


def challenge_answer(*, actor: Actor, challenge_id, answer: str,
                     customer_id=None) -> Answered:
    """Check what the caller said against an open challenge of ``actor``'s. Answers
    only whether it matches; a match records the factor for ``actor``. With
    ``customer_id`` (a door that shows one customer), a challenge of another customer
    is not found: "matches" on one customer's panel must mean that customer."""
    policy.require(actor, "customer.verify")
    return answer_for(actor=actor, challenge_id=challenge_id, answer=answer,
                      customer_id=customer_id)


def answer_for(*, actor: Actor, challenge_id, answer: str, customer_id=None) -> Answered:
    """Check an answer to an open challenge of ``actor``'s, once the use case has
    decided that ``actor`` may: the same attempt limit, wrong-answer block and audit
    for the staff and for the customer in the portal."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError("Type what the caller said.", field="answer")
    if len(answer) > ANSWER_MAX:
        raise ValidationError(f"Keep the answer under {ANSWER_MAX} characters.",
                              field="answer")
    with transaction.atomic():
        challenge = _open_challenge(actor, challenge_id, customer_id=customer_id)
        # A block stops the guessing, not only new challenges: one opened before it
        # (by this person or a colleague) is no way round it.
        _refuse_blocked(challenge.customer)
        chosen = method(challenge.method)
        if chosen is None or not chosen.answered_by_agent:
            raise Conflict("This method is not answered here: the customer confirms the "
                           "link themself.")
        customer = challenge.customer
        challenge.attempts += 1
        matches = chosen.check(challenge, answer)
        limit = int(settings.VERIFICATION_ATTEMPTS)
        if matches:
            return _passed(actor, customer, challenge, chosen)
        if challenge.attempts >= limit:
            challenge.outcome, challenge.closed_at = Challenge.Outcome.FAILED, clock.now()
        challenge.save(update_fields=["attempts", "outcome", "closed_at"])
        _audit(actor, customer, "verification.fail", challenge, denied=True)
        _wrong_answer(actor, customer, limit)
    return Answered(matches=False, attempts_left=max(limit - challenge.attempts, 0),
                    state=verified.state(actor, customer.pk))


def _passed(actor: Actor, customer: Customer, challenge: Challenge, chosen, *,
            by: Actor | None = None) -> Answered:
    """Record the factor for ``actor`` (the person the caller proved it to); ``by`` is
    who acted, when not that person (the customer confirming a link)."""
    challenge.outcome, challenge.closed_at = Challenge.Outcome.PASSED, clock.now()
    challenge.save(update_fields=["attempts", "outcome", "closed_at"])
    state = verified.factor_passed(actor=actor, customer=customer, kind=chosen.kind,
                                   method=chosen.name)
    _audit(by or actor, customer, "verification.pass", challenge, level=state.level,
           verified_for=actor.label if by else None)
    return Answered(matches=True, attempts_left=0, state=state)


def _open_challenge(actor: Actor, challenge_id, *, customer_id=None) -> Challenge:
    try:
        pk = uuid.UUID(str(challenge_id))
        customer_pk = uuid.UUID(str(customer_id)) if customer_id is not None else None
    except ValueError:
        raise NotFound() from None
    # Another person's challenge is not found: a code read out to one agent is no
    # proof to another.
    challenge = (Challenge.objects.select_for_update().select_related("customer")
                 .filter(pk=pk, user_id=actor.user_id, actor_label=actor.label[:254])
                 .first())
    if challenge is None or customer_pk not in (None, challenge.customer_id):
        raise NotFound()
    if challenge.outcome != Challenge.Outcome.OPEN:
        raise Conflict("This verification is over: start a new one.")
    if challenge.expires_at <= clock.now():
        raise Conflict("This verification has expired: start a new one.")
    if challenge.customer.status != Customer.Status.ACTIVE:
        raise NotFound()
    return challenge


def _wrong_answer(actor: Actor, customer: Customer, attempts: int) -> None:
    # Wrong answers are counted for the customer, not only challenges run out: leaving
    # each challenge one answer short of failing and starting another (or asking a
    # colleague to) would otherwise guess on for ever. The block comes after as many
    # wrong answers as FAILED_CHALLENGES challenges hold.
    failures = _counters().hit(f"wrong:{customer.pk}", HOUR)
    if failures >= FAILED_CHALLENGES * max(attempts, 1):
        _counters().lock(f"blocked:{customer.pk}", HOUR)
        alert_verification_failures(actor=actor, customer_id=customer.pk,
                                    failures=failures, window=HOUR)


def link_confirm(*, token: str) -> bool:
    """The customer opened the link sent to their registered email and pressed
    Confirm: the factor is recorded for the person who sent it. ``False`` for a token
    that is wrong, used, expired or not a link's, or for a customer blocked for the
    hour (one answer for all: the page says nothing of the customer)."""
    parts = token_parts(token)
    if parts is None:
        return False
    try:
        pk = uuid.UUID(parts[0])
    except ValueError:
        return False
    chosen = method("email_link")
    with transaction.atomic():
        challenge = (Challenge.objects.select_for_update().select_related("customer")
                     .filter(pk=pk, method=chosen.name).first())
        if (challenge is None or challenge.outcome != Challenge.Outcome.OPEN
                or challenge.expires_at <= clock.now()
                or challenge.customer.status != Customer.Status.ACTIVE
                or _blocked(challenge.customer)
                or not chosen.check(challenge, token)):
            return False
        sender = Actor(kind="agent", label=challenge.actor_label, user_id=challenge.user_id)
        _passed(sender, challenge.customer, challenge, chosen,
                by=Actor.system("verification_link"))
    return True


def _audit(actor: Actor, customer: Customer, action: str, challenge: Challenge, *,
           denied: bool = False, level: int | None = None,
           verified_for: str | None = None) -> None:
    context = {"method": challenge.method, "attempts": challenge.attempts}
    if verified_for:
        context["verified_for"] = verified_for
    if challenge.question:
        context["question"] = challenge.question
    if level is not None:
        context["level"] = level
    with transaction.atomic():
        record(actor=actor, action=action, object_type="customer", object_id=customer.pk,
               outcome=AuditEvent.Outcome.DENIED if denied else AuditEvent.Outcome.ALLOWED,
               context=context)
