"""Technical and organisational security measures (Art. 30(1)(g), Art. 32) as the
settings configure them. Each measure's ``state`` is chosen by the setting it names and
its description follows from the state alone: nothing is said that the configuration
does not make true. The trust page words its protection sentences from these states.
"""

from __future__ import annotations

from django.conf import settings

from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.processing import Measure
from trustdesk.privacy.processing_sources import ChannelEntry


def _duration(seconds: int) -> str:
    return f"{seconds // 3600} hours" if seconds >= 3600 else f"{seconds // 60} minutes"


def _keys() -> list[Measure]:
    said = [Measure("field_encryption", "Field encryption with per-customer keys", "on",
                    "Every inventory field, message and attachment is sealed with AES-256-GCM "
                    "under a data key of the customer's own; erasing a customer destroys the "
                    "key, so no copy (backups included) can be read afterwards.",
                    ("TRUSTDESK_INVENTORY_PATH",))]
    if settings.VAULT_KEY_PROVIDER == "pkcs11":
        said.append(Measure("key_provider", "Key provider", "pkcs11",
                            "The key-encrypting key is held in a hardware security module "
                            "(PKCS#11) and never leaves it.", ("TRUSTDESK_KEY_PROVIDER",)))
    else:
        said.append(Measure("key_provider", "Key provider", "local",
                            "The key-encrypting key is kept in a key file on the server, "
                            "apart from the database.", ("TRUSTDESK_KEY_PROVIDER",
                                                         "TRUSTDESK_KEK")))
    if settings.VAULT_KEYSTORE_URL:
        said.append(Measure("keystore", "Key storage", "separate",
                            "Wrapped data keys are stored in a separate key database, not "
                            "beside the data.", ("TRUSTDESK_KEYSTORE_URL",)))
    else:
        said.append(Measure("keystore", "Key storage", "local",
                            "Wrapped data keys are stored in a key file in the data "
                            "directory, outside the application database.",
                            ("TRUSTDESK_KEYSTORE_URL",)))
    if any(f.type == "card_number" for f in get_inventory().fields):
        said.append(Measure("card_tokens", "Card numbers tokenized", "on",
                            "Card numbers are replaced by vault tokens; staff see at most "
                            "the first six and last four digits.",
                            ("TRUSTDESK_INVENTORY_PATH",)))
    return said


def _access() -> list[Measure]:
    need = settings.ACCESS_NEED_TO_KNOW
    mfa = settings.REQUIRE_MFA
    return [
        Measure("need_to_know", "Need-to-know and field-level access", "on" if need else "off",
                ("Agents see a customer's details only while a ticket of that customer is "
                 "theirs or their team's; each role sees only the fields its work needs."
                 if need else "Each role sees only the fields its work needs; need-to-know "
                 "for agents is switched off."),
                ("TRUSTDESK_NEED_TO_KNOW", "TRUSTDESK_FIELD_POLICY")),
        Measure("mfa", "Multi-factor authentication", mfa,
                "Every staff account must sign in with a second factor." if mfa == "all"
                else "Staff with administrative, supervisory, security or privacy roles "
                "must sign in with a second factor.", ("TRUSTDESK_MFA_REQUIRED",)),
        Measure("sessions", "Session limits", "on",
                f"A console session ends after {_duration(settings.SESSION_COOKIE_AGE)} "
                f"idle and {_duration(settings.SESSION_ABSOLUTE_SECONDS)} after sign-in"
                + ("; its cookie is sent over HTTPS only." if settings.SESSION_COOKIE_SECURE
                   else "; its cookie is not limited to HTTPS (development)."),
                ("TRUSTDESK_ENV",)),
    ]


def _audit() -> Measure:
    forwarded = (f" Every event is also sent to the collector at {settings.AUDIT_SYSLOG}."
                 if settings.AUDIT_SYSLOG else "")
    return Measure("audit_trail", "Audit trail with signed checkpoints",
                   "forwarded" if settings.AUDIT_SYSLOG else "on",
                   "Every read and change of customer data is recorded; events are chained "
                   "by MAC and a checkpoint signed with Ed25519 every "
                   f"{settings.AUDIT_CHECKPOINT_EVERY} events; kept "
                   f"{settings.AUDIT_RETENTION_DAYS} days." + forwarded,
                   ("TRUSTDESK_AUDIT_SIGNING_KEY", "TRUSTDESK_AUDIT_CHECKPOINT_EVERY",
                    "TRUSTDESK_AUDIT_RETENTION_DAYS", "TRUSTDESK_AUDIT_SYSLOG"))


def _transport() -> Measure:
    hsts = getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0
    redirect = getattr(settings, "SECURE_SSL_REDIRECT", False)
    if hsts and redirect:
        return Measure("tls", "TLS and HSTS", "hsts",
                       f"Plain HTTP is redirected to HTTPS and HSTS is sent for {hsts} "
                       "seconds" + (", subdomains included."
                                    if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                                               False) else "."),
                       ("TRUSTDESK_ENV", "TRUSTDESK_SSL_REDIRECT"))
    if hsts:
        return Measure("tls", "TLS and HSTS", "hsts_no_redirect",
                       f"HSTS is sent for {hsts} seconds; plain HTTP is not redirected by "
                       "TrustDesk (a proxy in front must do it).",
                       ("TRUSTDESK_ENV", "TRUSTDESK_SSL_REDIRECT"))
    return Measure("tls", "TLS and HSTS", "off",
                   "TrustDesk neither redirects to HTTPS nor sends HSTS (development "
                   "settings).", ("TRUSTDESK_ENV",))


def _scanning() -> Measure:
    clamd = settings.CLAMD_ADDRESS
    images = sorted(settings.INTAKE_UNSCANNED_IMAGES)
    text = ("Attachments are checked by the built-in scanner (real type, executables, "
            "macros, archive bombs)" + (" and by ClamAV" if clamd else "") +
            "; a file that fails or cannot be scanned is quarantined, never served as clean.")
    if images:
        text += f" Images of type {', '.join(images)} are stored unscanned."
    return Measure("attachment_scanning", "Attachment scanning", "clamav" if clamd
                   else "built_in", text,
                   ("TRUSTDESK_CLAMD_ADDRESS", "TRUSTDESK_INTAKE_UNSCANNED_IMAGES"))


def _mail(channels: tuple[ChannelEntry, ...]) -> Measure:
    inbound = settings.SMTPD_LISTEN is not None
    addresses = [c for c in channels if c.dkim_signed is not None]
    signed = sum(1 for c in addresses if c.dkim_signed)
    parts = []
    if inbound:
        parts.append("Inbound mail is checked for SPF, DKIM, DMARC and ARC before it "
                     "becomes a ticket.")
    else:
        parts.append("The SMTP listener is off: TrustDesk checks no inbound mail itself.")
    parts.append(f"Replies from {signed} of {len(addresses)} support addresses are "
                 "DKIM-signed.")
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        tls = ("STARTTLS" if settings.EMAIL_USE_TLS else
               "TLS" if settings.EMAIL_USE_SSL else "no TLS")
        parts.append(f"Mail goes to the relay with {tls}.")
    state = "inbound" if inbound else "off"
    return Measure("mail_authentication", "Mail authentication", state, " ".join(parts),
                   ("TRUSTDESK_SMTPD_LISTEN", "TRUSTDESK_SMTP_RELAY_TLS"))


def measures(channels: tuple[ChannelEntry, ...]) -> tuple[Measure, ...]:
    return (*_keys(), *_access(), _audit(), _transport(), _scanning(), _mail(channels))
