"""TrustDesk's allauth MFA adapter: secrets sealed by the vault, and a second factor that
cannot be removed while the role requires one or the password (8 to 14 characters, set
with MFA) is too short to stand alone."""

from __future__ import annotations

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from trustdesk import vault
from trustdesk.accounts.mfa import policy

# TOTP secrets and recovery-code seeds are sealed under a key of their own in the vault,
# so a copy of the database (or a dump) does not let anyone generate a person's codes.
SUBJECT = "system:mfa"
PURPOSE = "mfa.secret"
PREFIX = "vault:"


class MfaAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role requires two-factor authentication, or your password is too short "
            "to be used alone: add another authenticator app or security key before "
            "removing this one, or change your password to one of 15 characters or more."),
    }

    def encrypt(self, text: str) -> str:
        sealed = vault.seal_text(SUBJECT, PURPOSE, text)
        return PREFIX + base64.b64encode(sealed).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            # Never fall back to reading a stored secret as plain text.
            raise ValueError("MFA secret is not sealed by the vault")
        return vault.open_text(SUBJECT, PURPOSE,
                               base64.b64decode(encrypted_text[len(PREFIX):]))

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        user = authenticator.user
        if not policy.required(user) and user.password_stands_alone:
            return True
        # Removing this one must leave another TOTP app or security key.
        return Authenticator.objects.filter(
            user_id=user.pk,
            type__in=(Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN),
        ).exclude(pk=authenticator.pk).exists()
