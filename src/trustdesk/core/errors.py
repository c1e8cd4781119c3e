"""The one error tree.

Every failure a use case can report is a ``TrustDeskError`` with a stable ``code``. Each app
adds its own subclasses in ``<app>/errors.py``. The front doors map the tree once: ``api``
to HTTP statuses and JSON bodies, ``console`` to messages. Security failures keep their
message vague (what the outside sees) and put the specifics in ``detail`` (what the log sees).
"""

from __future__ import annotations


class TrustDeskError(Exception):
    code = "error"
    message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 detail: str | None = None) -> None:
        self.message = message or self.message
        self.field = field
        # Specific, for the server log only; never shown to the caller.
        self.detail = detail
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationError(TrustDeskError):
    """The input is malformed or breaks a rule; ``field`` names the culprit."""

    code = "invalid"
    message = "The input is not valid."


class NotFound(TrustDeskError):
    """The object does not exist *or* the actor may not see it: one answer for both,
    so that existence never leaks."""

    code = "not_found"
    message = "Not found."


class PermissionDenied(TrustDeskError):
    """The actor may see the object but not perform this action on it. ``permission``
    names what was missing (the audit trail's denial event records it)."""

    code = "forbidden"
    message = "You are not allowed to do this."
    permission = ""

    def __init__(self, message: str | None = None, *, permission: str | None = None,
                 field: str | None = None, detail: str | None = None) -> None:
        super().__init__(message, field=field, detail=detail)
        if permission is not None:
            self.permission = permission


class ReauthenticationRequired(PermissionDenied):
    """The use case changes who can see or do what, exports data or cannot be undone:
    the person must have confirmed their password or second factor (or signed in)
    within the last few minutes. Decided in the service, from ``Actor.reauthenticated``,
    so that no front door skips it."""

    code = "reauthentication_required"
    message = "Confirm your password or second factor again, then retry."
    permission = "reauthentication"


class AuthenticationFailed(TrustDeskError):
    code = "unauthenticated"
    message = "Authentication required."


class Conflict(TrustDeskError):
    """The request is valid but clashes with the current state (a duplicate, a stale
    transition)."""

    code = "conflict"
    message = "The request conflicts with the current state."


class Gone(TrustDeskError):
    """The object existed but its data has been destroyed (an erased customer)."""

    code = "gone"
    message = "This data no longer exists."


class PayloadTooLarge(TrustDeskError):
    code = "too_large"
    message = "The request is too large."


class RateLimited(TrustDeskError):
    """The actor did this too often in a short time; ``retry_after`` says in how many
    seconds the window ends."""

    code = "rate_limited"
    message = "Too many requests in a short time. Please wait a few minutes."

    def __init__(self, message: str | None = None, *, retry_after: int | None = None,
                 **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(TrustDeskError):
    """A dependency that protects data (keys, policy, audit trail) is unavailable; the
    use case refuses rather than serve unprotected or unaudited data."""

    code = "unavailable"
    message = "The service is temporarily unavailable."


class ConfigurationError(TrustDeskError):
    """A setting or a declarative file is wrong; raised at startup, never at request time."""

    code = "misconfigured"
    message = "TrustDesk is misconfigured."
