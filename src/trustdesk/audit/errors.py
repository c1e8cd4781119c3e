from trustdesk.core.errors import Unavailable


class AuditUnavailable(Unavailable):
    """The event could not be written, so the change or read it records is refused."""

    code = "audit_unavailable"
    message = "The audit trail is unavailable; nothing was done or shown."
