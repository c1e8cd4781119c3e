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


class ReplyNeedsConfirmation(ValidationError):
    """The reply guard has warnings the agent has not seen yet: nothing was stored or
    sent. ``warnings`` lists them; sending again with them acknowledged goes through."""

    code = "reply_guard_warning"
    message = "Check this reply before it is sent."

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings), field="body")
        self.warnings = list(warnings)
