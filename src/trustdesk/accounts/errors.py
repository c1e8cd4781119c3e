from trustdesk.core.errors import (  # noqa: F401  (ReauthenticationRequired: one class, two homes)
    AuthenticationFailed,
    Conflict,
    PermissionDenied,
    ReauthenticationRequired,
    ValidationError,
)


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


class MfaRequired(PermissionDenied):
    # The person's role (or the installation) requires a second factor they do not have.
    code = "mfa_required"
    message = ("Your role requires two-factor authentication. Set it up in the console "
               "(Sign-in security) before going on.")
