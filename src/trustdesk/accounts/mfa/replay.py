"""Single-use TOTP codes (RFC 6238 §5.2: a verifier must not accept a code a second time).

allauth marks a used code in the cache for one period only. That is not enough here: the
default cache belongs to one process, and with a tolerance of one step either side a code
stays valid for up to three periods. So the time step of every accepted code is stored in
the database, per person, and only later steps are accepted afterwards — whichever server
process checks, and however old the cache is.
"""

from __future__ import annotations

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db import IntegrityError, transaction


def matching_step(secret: str, code: str) -> int | None:
    """The time step (within the allowed drift) whose code is ``code``, or None."""
    for step in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


def consume(user_id: int, step: int) -> bool:
    """Accept ``step`` for ``user_id`` once: True the first time, False for a step at or
    before the last one accepted (a replayed or older code)."""
    from trustdesk.accounts.models import TotpStep

    with transaction.atomic():
        row = TotpStep.objects.select_for_update().filter(user_id=user_id).first()
        if row is None:
            try:
                with transaction.atomic():
                    TotpStep.objects.create(user_id=user_id, step=step)
                return True
            except IntegrityError:  # another process accepted a code just now
                row = TotpStep.objects.select_for_update().get(user_id=user_id)
        if step <= row.step:
            return False
        row.step = step
        row.save(update_fields=["step"])
        return True
