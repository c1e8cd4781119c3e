"""allauth's MFA forms with TrustDesk's single-use rule for TOTP codes (see ``replay``).

A code is refused when its time step was already accepted for this person — on sign-in,
on re-authentication, and on enrolment (so the code typed to enrol cannot also sign in).
"""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as base
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp
from allauth.mfa.utils import decrypt
from django import forms

from trustdesk.accounts.mfa import replay

USED = "This code has already been used. Wait for your app to show the next one."


class _SingleUseTotp:
    def clean_code(self) -> str:
        code = super().clean_code()
        authenticator = self.authenticator
        if authenticator.type != Authenticator.Type.TOTP:
            return code  # recovery codes are marked used by allauth, in the database
        step = replay.matching_step(decrypt(authenticator.data["secret"]), code)
        if step is None or not replay.consume(self.user.pk, step):
            self._emit_authentication_failed(authenticator)
            raise get_adapter().validation_error("incorrect_code")
        return code


class AuthenticateForm(_SingleUseTotp, base.AuthenticateForm):
    pass


class ReauthenticateForm(_SingleUseTotp, base.ReauthenticateForm):
    pass


class ActivateTOTPForm(totp.ActivateTOTPForm):
    def clean_code(self) -> str:
        code = super().clean_code()
        step = replay.matching_step(self.secret, code)
        if step is None or not replay.consume(self.user.pk, step):
            raise forms.ValidationError(USED)
        return code
