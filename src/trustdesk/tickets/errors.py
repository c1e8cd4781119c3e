from trustdesk.core.errors import Conflict, PayloadTooLarge, ValidationError


class TicketClosed(Conflict):
    code = "ticket_closed"
    message = "This ticket is closed; open a new ticket instead."


class AttachmentTooLarge(PayloadTooLarge):
    code = "attachment_too_large"


class InvalidAttachment(ValidationError):
    code = "invalid_attachment"


class ReplyBlocked(ValidationError):
    """The reply guard stopped an agent's reply; ``message`` explains why, for the agent."""

    code = "reply_guard_blocked"
    message = "This reply was not sent."
