from trustdesk.core.errors import PermissionDenied, RateLimited, ValidationError


class NotSearchable(ValidationError):
    code = "not_searchable"


class VerificationRequired(PermissionDenied):
    """The action needs the caller verified to a level they have not reached
    (``customers.verified``). ``needed`` and ``held`` let a front door guide the agent;
    passing the gate anyway takes a reason and alerts security officers."""

    code = "verification_required"
    message = "Verify the caller first."
    permission = "customer.verification"

    def __init__(self, message: str | None = None, *, needed: int, held: int,
                 **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.needed = needed
        self.held = held

    def as_dict(self) -> dict:
        return {**super().as_dict(), "needed": self.needed, "held": self.held}


class TooManyWrites(RateLimited):
    """A signed-in customer sent more from the portal — tickets opened, answers, privacy
    requests — than ``PORTAL_WRITES_PER_HOUR`` allows; nothing was written."""

    code = "portal_writes_limited"
    message = ("You have written to us many times in the last hour; please try again "
               "later.")


class AddressRefused(ValidationError):
    """An address the portal sends nothing to, however well-formed: its domain is an IP
    address (``ada@[192.0.2.1]``: no domain whose owner answers for it, and a way to
    make the relay connect where an attacker chooses), or its local part holds ``%`` or
    ``!`` (source routing: asking the next server to pass the message on to another).
    ``reason`` is ``ip_literal`` or ``source_route``."""

    code = "address_refused"

    def __init__(self, message: str | None = None, *, reason: str, **kwargs) -> None:
        super().__init__(message, field="email", **kwargs)
        self.reason = reason
