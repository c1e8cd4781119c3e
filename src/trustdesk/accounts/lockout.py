"""Role-aware lockout and per-IP throttling of sign-ins (PCI DSS 8.3.4).

Every attempt is counted before its password is checked (``reserve``), so no more
passwords are checked than the limit allows, however many requests arrive at once.

Privileged accounts lock after fewer failures than agents (by default 5 and 10 within 15
minutes, locked for 30 minutes; ``TRUSTDESK_LOCKOUT`` overrides per role). An address
that fails too often is throttled whatever account it tries. The answer is the same
generic refusal whether the account exists, the password is wrong, or it is locked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk.access.roles import PRIVILEGED_ROLES
from trustdesk.accounts.counters import counters
from trustdesk.audit.services import record
from trustdesk.core import metrics
from trustdesk.core.actor import Actor
from trustdesk.core.clients import client_key

log = logging.getLogger("trustdesk.accounts")


def _policy(role: str) -> dict:
    base = settings.LOCKOUT["privileged" if role in PRIVILEGED_ROLES else "default"]
    return {**base, **settings.LOCKOUT.get("roles", {}).get(role, {})}


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def ip_key(ip: str | None) -> str:
    # One client however its address is written, and one IPv6 subscriber's /64.
    return f"ip:{client_key(ip) if ip else 'unknown'}"


def _account(email: str) -> tuple[str, str]:
    """The attempted address and the role of its account (an agent's limits if none)."""
    from trustdesk.accounts.models import User

    email = email.strip().lower()
    role = User.objects.filter(email=email).values_list("role", flat=True).first()
    return email, role or "agent"


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt that holds a reserved count under its account and its address."""

    email: str
    ip: str | None
    user_agent: str
    count: int
    ip_count: int
    policy: dict


def reserve(email: str, ip: str | None, user_agent: str = "") -> Attempt | None:
    """Count an attempt *before* its password is checked; None if it must be refused.

    Counting first is what makes the limit hold under parallel requests: each attempt
    takes its own number from an atomic counter, and those past the limit are refused
    without a password check. Counting only after a failed check let every request that
    arrived before the first failure was written check a password (14 parallel attempts
    checked 11 passwords against a limit of 5)."""
    c = counters()
    email, role = _account(email)
    if c.locked_until(account_key(email)) or c.locked_until(ip_key(ip)):
        return None
    policy = _policy(role)
    count = c.hit(account_key(email), policy["window"])
    ip_policy = settings.LOCKOUT["ip"]
    ip_count = c.hit(ip_key(ip), ip_policy["window"])
    if count > policy["attempts"] or ip_count > ip_policy["attempts"]:
        return None
    return Attempt(email=email, ip=ip, user_agent=user_agent, count=count, ip_count=ip_count,
                   policy=policy)


def failed(attempt: Attempt) -> None:
    """The reserved attempt failed: it stays counted; lock the account or throttle the
    address once that was the last attempt allowed."""
    c = counters()
    email, policy = attempt.email, attempt.policy
    if attempt.count >= policy["attempts"]:
        c.lock(account_key(email), policy["lock"])
        metrics.count_lockout("account")
        log.warning("sign-in: account %s locked after %d failures", email, policy["attempts"])
        actor = Actor.anonymous(email, ip=attempt.ip, user_agent=attempt.user_agent)
        with transaction.atomic():
            record(actor=actor, action="auth.lockout", object_type="agent",
                   object_id=email.strip().lower(), outcome="denied",
                   context={"attempts": policy["attempts"], "lock_seconds": policy["lock"]})
    ip_policy = settings.LOCKOUT["ip"]
    if attempt.ip_count >= ip_policy["attempts"]:
        c.lock(ip_key(attempt.ip), ip_policy["lock"])
        metrics.count_lockout("address")
        log.warning("sign-in: address %s throttled", attempt.ip)


def released(attempt: Attempt) -> None:
    """The password was right: the attempt gives its counts back. (Only one count: a
    success must not wipe an address's failures, or guessing could be interleaved with
    sign-ins to an account the attacker owns.)"""
    c = counters()
    c.release(account_key(attempt.email))
    c.release(ip_key(attempt.ip))


def succeeded(email: str) -> None:
    counters().clear(account_key(email))


def unlock(email: str) -> None:
    counters().clear(account_key(email))


def is_locked(email: str) -> bool:
    return counters().locked_until(account_key(email)) is not None
