from trustdesk.core.errors import Unavailable


class AuditUnavailable(Unavailable):
    """The event could not be written, so the change or read it records is refused."""

    code = "audit_unavailable"
    message = "The audit trail is unavailable; nothing was done or shown."


class OutsideTransaction(AuditUnavailable):
    """``record()`` was called outside a transaction: a bug in the caller, refused rather
    than letting the event and the change it records commit apart."""

    code = "audit_outside_transaction"
