"""What TrustDesk holds about its own staff, for the record of processing activities.

The data inventory declares customer data only; staff data is fixed by TrustDesk's own
models (accounts, second factors, sessions, the audit trail), so it is declared here, next
to nothing else, with each retention read from the setting that enforces it.
"""

from __future__ import annotations

from django.conf import settings

from trustdesk.privacy.processing import STAFF, DataField

_SOURCE = "TrustDesk's staff data"
_ACCOUNT = "while the account exists (accounts are disabled, not deleted)"


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g} hours" if hours >= 1 else f"{seconds // 60} minutes"


def fields() -> tuple[DataField, ...]:
    lockout = settings.LOCKOUT["default"]
    audit_days = settings.AUDIT_RETENTION_DAYS

    def field(name, label, category, sensitivity, purpose, basis, retention, days=None):
        return DataField(subject=STAFF, name=name, label=label, category=category,
                         sensitivity=sensitivity, purpose=purpose, legal_basis=basis,
                         retention=retention, retention_days=days, required=True,
                         source=_SOURCE)

    return (
        field("staff_account", "Name, email address, role and teams", "account", "internal",
              "Sign staff in and decide what each may see and do", "contract", _ACCOUNT),
        field("staff_credentials", "Password hash and second factors", "account",
              "restricted", "Authenticate staff (passwords hashed, second factors)",
              "legitimate_interests", _ACCOUNT),
        field("staff_sessions", "Sessions: IP address, browser, last activity", "technical",
              "internal", "Keep staff signed in and let them end their own sessions",
              "legitimate_interests",
              f"the session: at most {_hours(settings.SESSION_ABSOLUTE_SECONDS)}",
              max(1, settings.SESSION_ABSOLUTE_SECONDS // 86400)),
        field("staff_sign_in_attempts", "Failed sign-in attempts per account and IP address",
              "technical", "internal", "Lock out password guessing", "legitimate_interests",
              f"{_hours(lockout['window'] + lockout['lock'])} at most", 1),
        field("staff_audit_trail", "What each person read and changed, when, from which "
              "IP address", "technical", "internal",
              "Accountability: who read or changed which data (Art. 5(2), Art. 32)",
              "legal_obligation", f"{audit_days} days", audit_days),
    )
