"""Role-aware lockout and per-IP throttling of sign-ins (PCI DSS 8.3.4).

Privileged accounts lock after fewer failures than agents (by default 5 and 10 within 15
minutes, locked for 30 minutes; ``TRUSTDESK_LOCKOUT`` overrides per role). An address
that fails too often is throttled whatever account it tries. The answer is the same
generic refusal whether the account exists, the password is wrong, or it is locked.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from trustdesk.access.roles import PRIVILEGED_ROLES
from trustdesk.accounts.counters import counters
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor

log = logging.getLogger("trustdesk.accounts")


def _policy(role: str) -> dict:
    base = settings.LOCKOUT["privileged" if role in PRIVILEGED_ROLES else "default"]
    return {**base, **settings.LOCKOUT.get("roles", {}).get(role, {})}


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"


def _role_of(email: str) -> str:
    from trustdesk.accounts.models import User

    return User.objects.filter(email=email.strip().lower()).values_list(
        "role", flat=True).first() or "agent"


def refused(email: str, ip: str | None) -> bool:
    """True while the account or the address is locked."""
    c = counters()
    return bool(c.locked_until(account_key(email)) or c.locked_until(ip_key(ip)))


def failed(email: str, ip: str | None, user_agent: str = "") -> None:
    """Count a failure; lock the account or throttle the address when over the limit."""
    c = counters()
    policy = _policy(_role_of(email))
    actor = Actor(kind="anonymous", label=email.strip().lower()[:254] or "(unknown)", ip=ip,
                  user_agent=user_agent)
    if c.hit(account_key(email), policy["window"]) >= policy["attempts"]:
        c.lock(account_key(email), policy["lock"])
        log.warning("sign-in: account %s locked after %d failures", email, policy["attempts"])
        with transaction.atomic():
            record(actor=actor, action="auth.lockout", object_type="agent",
                   object_id=email.strip().lower(), outcome="denied",
                   context={"attempts": policy["attempts"], "lock_seconds": policy["lock"]})
    ip_policy = settings.LOCKOUT["ip"]
    if c.hit(ip_key(ip), ip_policy["window"]) >= ip_policy["attempts"]:
        c.lock(ip_key(ip), ip_policy["lock"])
        log.warning("sign-in: address %s throttled", ip)


def succeeded(email: str) -> None:
    counters().clear(account_key(email))


def unlock(email: str) -> None:
    counters().clear(account_key(email))


def is_locked(email: str) -> bool:
    return counters().locked_until(account_key(email)) is not None
