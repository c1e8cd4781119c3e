"""Multi-factor authentication on top of ``allauth.mfa``: TOTP, WebAuthn security keys and
passkeys, recovery codes. TrustDesk adds who must have a second factor (``policy``,
enforced by ``middleware`` and the token services), single-use TOTP codes that hold across
server processes (``replay``), secrets sealed by the vault (``adapter``), and audit events
for every enrolment, removal and use (``audit``)."""
