from trustdesk.core.errors import AuthenticationFailed, Conflict, ValidationError


class InvalidToken(AuthenticationFailed):
    # One vague message for unknown, expired, revoked and malformed tokens alike.
    code = "invalid_token"
    message = "Invalid or expired token."


class EmailTaken(Conflict):
    code = "email_taken"
    message = "An agent with this email already exists."


class TeamNameTaken(Conflict):
    code = "team_name_taken"
    message = "A team with this name already exists."


class WeakPassword(ValidationError):
    code = "weak_password"
