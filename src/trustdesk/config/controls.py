"""The settings of TrustDesk's own controls — sign-in lockout and MFA, privacy vault,
audit trail, field-level access, PII redaction — read from the environment.
``settings`` merges them in; they are kept apart so the settings module stays readable.

An unset value takes the secure default; a bad or unsafe one stops startup with a message
(``ImproperlyConfigured``) rather than falling back silently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _pkcs11_pin(env: Mapping[str, str]) -> str:
    if pin := env.get("TRUSTDESK_PKCS11_PIN"):
        return pin
    if path := env.get("TRUSTDESK_PKCS11_PIN_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"TRUSTDESK_PKCS11_PIN_FILE {path} cannot be read ({exc.strerror}).") from exc
    return ""


def vault(env: Mapping[str, str], *, production: bool, database_engine: str) -> dict:
    """Privacy vault: keys outside the database, fail closed (docs/vault.md)."""
    keystore = env.get("TRUSTDESK_KEYSTORE_URL") or None
    if production and not keystore and database_engine.endswith("postgresql"):
        raise ImproperlyConfigured(
            "With PostgreSQL, set TRUSTDESK_KEYSTORE_URL to a separate database that every "
            "replica shares (see docs/vault.md); a local keystore file would differ per "
            "server.")
    return {
        "VAULT_KEY_PROVIDER": env.get("TRUSTDESK_KEY_PROVIDER", "local"),
        "VAULT_LOCAL_KEK": env.get("TRUSTDESK_KEK") or None,
        "VAULT_PKCS11_MODULE": env.get("TRUSTDESK_PKCS11_MODULE", ""),
        "VAULT_PKCS11_TOKEN": env.get("TRUSTDESK_PKCS11_TOKEN", ""),
        "VAULT_PKCS11_PIN": _pkcs11_pin(env),
        # Wrapped data keys live outside the application database.
        "VAULT_KEYSTORE_URL": keystore,
        # Unwrapped data keys stay in memory this long at most.
        "VAULT_KEY_CACHE_SECONDS": int(env.get("TRUSTDESK_KEY_CACHE_SECONDS", 60)),
        # Cryptoperiods (PCI DSS 3.6.4 / 3.7.4): when rotation falls due.
        "VAULT_KEK_CRYPTOPERIOD_DAYS": int(env.get("TRUSTDESK_KEK_CRYPTOPERIOD_DAYS", 365)),
        "VAULT_DATA_KEY_CRYPTOPERIOD_DAYS": int(
            env.get("TRUSTDESK_DATA_KEY_CRYPTOPERIOD_DAYS", 730)),
    }


def audit(env: Mapping[str, str], *, data_dir: Path) -> dict:
    """Audit trail: tamper-evident, fail closed (docs/audit.md)."""
    retention = int(env.get("TRUSTDESK_AUDIT_RETENTION_DAYS", 400))
    if retention < 365:  # PCI DSS 10.5.1: at least twelve months
        raise ImproperlyConfigured("TRUSTDESK_AUDIT_RETENTION_DAYS must be 365 or more "
                                   "(PCI DSS 10.5.1 keeps a year of audit history).")
    return {
        "AUDIT_SIGNING_KEY": env.get("TRUSTDESK_AUDIT_SIGNING_KEY") or None,
        "AUDIT_RETENTION_DAYS": retention,
        "AUDIT_WITNESS_PATH": data_dir / "audit-head.json",
        "AUDIT_CHECKPOINT_EVERY": int(env.get("TRUSTDESK_AUDIT_CHECKPOINT_EVERY", 10_000)),
        # host:port of a syslog collector (TCP) that receives every event as it is chained.
        "AUDIT_SYSLOG": env.get("TRUSTDESK_AUDIT_SYSLOG") or None,
        "AUDIT_SYSLOG_FORMAT": env.get("TRUSTDESK_AUDIT_SYSLOG_FORMAT", "cef"),
    }


def access(env: Mapping[str, str]) -> dict:
    """Field-level access (docs/access.md)."""
    try:
        # Per-role overrides of the shipped field policy, e.g.
        # {"agent": {"email": "revealable"}} (keys: field names, "type:…", "category:…",
        # "sensitivity:…" or "*"; values: hidden, masked, revealable, visible).
        overrides = json.loads(env.get("TRUSTDESK_FIELD_POLICY", "") or "{}")
    except ValueError as exc:
        raise ImproperlyConfigured('TRUSTDESK_FIELD_POLICY must be JSON like '
                                   '{"agent": {"email": "revealable"}}') from exc
    return {
        # How long a revealed value stays in clear before it is masked again.
        "ACCESS_REVEAL_SECONDS": int(env.get("TRUSTDESK_REVEAL_SECONDS", 60)),
        # Agents see a customer's data (beyond the name) only while a ticket of that
        # customer is assigned to them or their team; "0" switches this off.
        "ACCESS_NEED_TO_KNOW": env.get("TRUSTDESK_NEED_TO_KNOW", "1") != "0",
        "ACCESS_FIELD_POLICY": overrides,
    }


def pii() -> dict:
    """PII in what customers write (docs/pii.md)."""
    return {
        # entity → keep | mask | replace | tokenize, merged over the safe defaults in
        # tickets/intake.py (cards and secrets are never kept).
        "PII_REDACTION": {},
        # block | warn | off for requests for secrets and for data that is not this
        # ticket's customer's.
        "PII_REPLY_GUARD": {"secret_request": "block", "foreign_data": "warn"},
    }


def scanning(env: Mapping[str, str]) -> dict:
    """Bounds on reading an uploaded file for PII (docs/pii.md, "Intake fails closed"). A
    file past any bound is quarantined, never stored as if it had been scanned."""
    return {
        # Largest file (and largest extracted text) intake scans.
        "INTAKE_SCAN_MAX_BYTES": int(env.get("TRUSTDESK_SCAN_MAX_BYTES", 10 * 1024 * 1024)),
        # PDFs: most pages, and most decompressed page content summed over the pages (a
        # content stream shared by many pages counts once per page: it is read per page).
        "INTAKE_PDF_MAX_PAGES": int(env.get("TRUSTDESK_SCAN_PDF_MAX_PAGES", 200)),
        "INTAKE_PDF_MAX_CONTENT_BYTES": int(env.get("TRUSTDESK_SCAN_PDF_MAX_CONTENT_BYTES",
                                                    8 * 1024 * 1024)),
        # The PDF reader runs in a child process killed after this many seconds, with
        # this much address space.
        "INTAKE_SCAN_SECONDS": float(env.get("TRUSTDESK_SCAN_SECONDS", 10)),
        "INTAKE_SCAN_MEMORY_MB": int(env.get("TRUSTDESK_SCAN_MEMORY_MB", 512)),
        # How many such processes one server process runs at once; the rest wait, within
        # their deadline.
        "INTAKE_SCAN_WORKERS": int(env.get("TRUSTDESK_SCAN_WORKERS", 2)),
    }


def _lockout(env: Mapping[str, str]) -> dict:
    policy = {
        # PCI DSS 8.3.4: at most 10 attempts, locked 30 minutes; privileged roles stricter.
        "default": {"attempts": 10, "window": 15 * 60, "lock": 30 * 60},
        "privileged": {"attempts": 5, "window": 15 * 60, "lock": 30 * 60},
        "ip": {"attempts": 50, "window": 15 * 60, "lock": 15 * 60},
        "roles": {},
    }
    if raw := env.get("TRUSTDESK_LOCKOUT"):
        try:
            policy["roles"] = {role: {k: int(v) for k, v in values.items()}
                               for role, values in json.loads(raw).items()}
        except (ValueError, AttributeError) as exc:
            raise ImproperlyConfigured(
                'TRUSTDESK_LOCKOUT must be JSON like {"admin": {"attempts": 3}}') from exc
    return policy


def identity(env: Mapping[str, str]) -> dict:
    """Sign-in lockout counters and multi-factor authentication (docs/identity.md)."""
    # Who must have a second factor before reaching anything but their security
    # settings: "privileged" (admin, supervisor, security and privacy officers) or "all".
    # There is no weaker value.
    require_mfa = env.get("TRUSTDESK_MFA_REQUIRED", "privileged")
    if require_mfa not in ("privileged", "all"):
        raise ImproperlyConfigured("TRUSTDESK_MFA_REQUIRED must be 'privileged' or 'all'.")
    return {
        # Shared counters (sign-in lockout): the database, or Redis when given; the prefix
        # lets several installations share one Redis server.
        "REDIS_URL": env.get("TRUSTDESK_REDIS_URL") or None,
        "REDIS_PREFIX": env.get("TRUSTDESK_REDIS_PREFIX", "trustdesk:"),
        "LOCKOUT": _lockout(env),
        "REQUIRE_MFA": require_mfa,
        "MFA_ADAPTER": "trustdesk.accounts.mfa.adapter.MfaAdapter",
        "MFA_SUPPORTED_TYPES": ["totp", "webauthn", "recovery_codes"],
        "MFA_PASSKEY_LOGIN_ENABLED": True,
        "MFA_TOTP_ISSUER": env.get("TRUSTDESK_TOTP_ISSUER", "TrustDesk"),
        # One time step either side for clock drift: safe because every accepted code's
        # time step is stored and no step at or before it is accepted again
        # (accounts.mfa.replay).
        "MFA_TOTP_TOLERANCE": 1,
        "MFA_RECOVERY_CODE_COUNT": 10,
        "MFA_FORMS": {
            "authenticate": "trustdesk.accounts.mfa.forms.AuthenticateForm",
            "reauthenticate": "trustdesk.accounts.mfa.forms.ReauthenticateForm",
            "activate_totp": "trustdesk.accounts.mfa.forms.ActivateTOTPForm",
        },
    }
