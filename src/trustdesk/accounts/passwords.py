"""Password rules after NIST SP 800-63B §3.1.1.2: length rather than composition.

- At least 8 characters for an account with a second factor, 15 for one without.
- Up to 256 characters accepted (NIST asks for at least 64), every character allowed,
  pasting allowed (no form blocks it).
- No composition rules ("one digit, one symbol"); instead passwords on the list of common
  ones (Django's ``CommonPasswordValidator``) and those the zxcvbn estimator guesses in
  fewer than 10⁸ attempts (dictionary words, keyboard walks, repeats, dates, the
  person's own name or email) are refused, with the reason.

These are Django password validators (``AUTH_PASSWORD_VALIDATORS``), so every way a
password is set uses them: an admin creating an agent, ``trustdesk createadmin``, the
person changing it, and a password reset.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from trustdesk.accounts.mfa import policy

# zxcvbn refuses to look past 72 characters (its matching grows quickly with length); a
# password that long is judged by its first 72.
_ESTIMATE_CHARS = 72


def min_length(user) -> int:
    if user is not None and policy.enrolled(user):
        return settings.PASSWORD_MIN_LENGTH_WITH_MFA
    return settings.PASSWORD_MIN_LENGTH_WITHOUT_MFA


class LengthValidator:
    """8 characters with a second factor, 15 without; at most ``PASSWORD_MAX_LENGTH``."""

    def validate(self, password: str, user=None) -> None:
        needed = min_length(user)
        if len(password) < needed:
            hint = ("" if needed == settings.PASSWORD_MIN_LENGTH_WITH_MFA else
                    f" (or {settings.PASSWORD_MIN_LENGTH_WITH_MFA} once two-factor "
                    "authentication is set up)")
            raise ValidationError(
                f"This password is too short: use at least {needed} characters{hint}. "
                "A few unrelated words make a long password that is easy to remember.",
                code="password_too_short")
        if len(password) > settings.PASSWORD_MAX_LENGTH:
            raise ValidationError(
                f"This password is too long: use at most {settings.PASSWORD_MAX_LENGTH} "
                "characters.", code="password_too_long")

    def get_help_text(self) -> str:
        return (f"At least {settings.PASSWORD_MIN_LENGTH_WITHOUT_MFA} characters, or "
                f"{settings.PASSWORD_MIN_LENGTH_WITH_MFA} with two-factor authentication. "
                "Any characters; no rules about digits or symbols.")


class StrengthValidator:
    """Refuse what the zxcvbn estimator can guess in fewer than ``min_guesses`` tries."""

    def __init__(self, min_guesses: float = 1e8) -> None:
        self.min_guesses = min_guesses

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        email = str(getattr(user, "email", "") or "")
        name = str(getattr(user, "full_name", "") or "")
        local = email.partition("@")[0]
        # The person's own name and address, whole and in pieces ("margarethamilton").
        hints = ["trustdesk", "helpdesk", "support", email, name, local, *name.split(),
                 "".join(name.split()), *re.split(r"[._+-]", local),
                 re.sub(r"[._+-]", "", local)]
        result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=[h for h in hints if h])
        if result["guesses"] >= self.min_guesses:
            return
        feedback = result.get("feedback") or {}
        reason = feedback.get("warning") or "It follows a pattern that is easy to guess."
        advice = " ".join(feedback.get("suggestions") or []) or \
            "Add another word or two; uncommon words are better."
        raise ValidationError(f"This password is too easy to guess. {reason} {advice}",
                              code="password_too_guessable")

    def get_help_text(self) -> str:
        return "Not a common password, a keyboard pattern, or your own name or email."
