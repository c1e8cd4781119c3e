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


def number(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    """The whole number in ``name``, or ``default`` when unset; anything else stops
    startup with a message naming the variable (not a traceback at the first request)."""
    raw = env.get(name, "")
    if raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {value}.")
    return value


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
        "VAULT_KEY_CACHE_SECONDS": number(env, "TRUSTDESK_KEY_CACHE_SECONDS", 60, minimum=0),
        # Cryptoperiods (PCI DSS 3.6.4 / 3.7.4): when rotation falls due.
        "VAULT_KEK_CRYPTOPERIOD_DAYS": number(env, "TRUSTDESK_KEK_CRYPTOPERIOD_DAYS", 365),
        "VAULT_DATA_KEY_CRYPTOPERIOD_DAYS": number(
            env, "TRUSTDESK_DATA_KEY_CRYPTOPERIOD_DAYS", 730),
    }


def audit(env: Mapping[str, str], *, data_dir: Path) -> dict:
    """Audit trail: tamper-evident, fail closed (docs/audit.md)."""
    retention = number(env, "TRUSTDESK_AUDIT_RETENTION_DAYS", 400)
    if retention < 365:  # PCI DSS 10.5.1: at least twelve months
        raise ImproperlyConfigured("TRUSTDESK_AUDIT_RETENTION_DAYS must be 365 or more "
                                   "(PCI DSS 10.5.1 keeps a year of audit history).")
    syslog = env.get("TRUSTDESK_AUDIT_SYSLOG") or None
    if syslog and not syslog.rpartition(":")[2].isdigit():
        raise ImproperlyConfigured("TRUSTDESK_AUDIT_SYSLOG must be host:port, like "
                                   f"siem.example.com:6514, not {syslog!r}.")
    syslog_format = env.get("TRUSTDESK_AUDIT_SYSLOG_FORMAT", "cef")
    if syslog_format not in ("cef", "jsonl"):
        raise ImproperlyConfigured("TRUSTDESK_AUDIT_SYSLOG_FORMAT must be 'cef' or 'jsonl'.")
    return {
        "AUDIT_SIGNING_KEY": env.get("TRUSTDESK_AUDIT_SIGNING_KEY") or None,
        "AUDIT_RETENTION_DAYS": retention,
        "AUDIT_WITNESS_PATH": data_dir / "audit-head.json",
        "AUDIT_CHECKPOINT_EVERY": number(env, "TRUSTDESK_AUDIT_CHECKPOINT_EVERY", 10_000),
        # host:port of a syslog collector (TCP) that receives every event as it is chained.
        "AUDIT_SYSLOG": syslog,
        "AUDIT_SYSLOG_FORMAT": syslog_format,
    }


_FIELD_POLICY_EXAMPLE = '{"agent": {"email": "revealable"}}'


def field_policy_overrides(raw: str) -> dict[str, dict[str, str]]:
    """``TRUSTDESK_FIELD_POLICY`` parsed and checked: an object of roles, each an object
    of rule keys and decisions, for roles that exist. Whether each key names a field of
    the data inventory is checked once the inventory is loaded (``config/checks.py``)."""
    from trustdesk.access.fields import DECISIONS, DEFAULT_RULES

    try:
        overrides = json.loads(raw or "{}")
    except ValueError:
        raise ImproperlyConfigured("TRUSTDESK_FIELD_POLICY must be JSON like "
                                   f"{_FIELD_POLICY_EXAMPLE}.") from None
    if not isinstance(overrides, dict) or not all(
            isinstance(rules, dict) for rules in overrides.values()):
        raise ImproperlyConfigured("TRUSTDESK_FIELD_POLICY must be an object of roles, each "
                                   f"an object of fields, like {_FIELD_POLICY_EXAMPLE}.")
    for role, rules in overrides.items():
        if role not in DEFAULT_RULES:
            raise ImproperlyConfigured(
                f"TRUSTDESK_FIELD_POLICY names the role {role!r}, which does not exist "
                f"(roles: {', '.join(sorted(DEFAULT_RULES))}).")
        for key, decision in rules.items():
            if decision not in DECISIONS:
                raise ImproperlyConfigured(
                    f"TRUSTDESK_FIELD_POLICY[{role!r}][{key!r}] must be one of "
                    f"{', '.join(DECISIONS)}, not {decision!r}.")
    return overrides


def access(env: Mapping[str, str]) -> dict:
    """Field-level access (docs/access.md)."""
    # Per-role overrides of the shipped field policy, e.g.
    # {"agent": {"email": "revealable"}} (keys: field names, "type:…", "category:…",
    # "sensitivity:…" or "*"; values: hidden, masked, revealable, visible).
    overrides = field_policy_overrides(env.get("TRUSTDESK_FIELD_POLICY", ""))
    return {
        # How long a revealed value stays in clear before it is masked again.
        "ACCESS_REVEAL_SECONDS": number(env, "TRUSTDESK_REVEAL_SECONDS", 60),
        # Agents see a customer's data (beyond the name) only while a ticket of that
        # customer is assigned to them or their team; "0" switches this off.
        "ACCESS_NEED_TO_KNOW": env.get("TRUSTDESK_NEED_TO_KNOW", "1") != "0",
        "ACCESS_FIELD_POLICY": overrides,
        # Contacts an agent may declare (tickets opened, messages taken down on a
        # customer's behalf) in 24 hours before security officers are alerted.
        "ACCESS_DECLARED_CONTACTS_PER_DAY": number(
            env, "TRUSTDESK_DECLARED_CONTACTS_PER_DAY", 20),
        # Exact-match customer searches per person within the window (seconds); more are
        # refused, and the first refused one alerts security officers.
        "CUSTOMER_SEARCH_LIMIT": number(env, "TRUSTDESK_SEARCH_LIMIT", 30),
        "CUSTOMER_SEARCH_WINDOW": number(env, "TRUSTDESK_SEARCH_WINDOW_SECONDS", 600),
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
        "INTAKE_SCAN_MAX_BYTES": number(env, "TRUSTDESK_SCAN_MAX_BYTES", 10 * 1024 * 1024),
        # PDFs: most pages, and most decompressed page content summed over the pages (a
        # content stream shared by many pages counts once per page: it is read per page).
        "INTAKE_PDF_MAX_PAGES": number(env, "TRUSTDESK_SCAN_PDF_MAX_PAGES", 200),
        "INTAKE_PDF_MAX_CONTENT_BYTES": number(env, "TRUSTDESK_SCAN_PDF_MAX_CONTENT_BYTES",
                                               8 * 1024 * 1024),
        # The PDF reader runs in a child process killed after this many seconds, with
        # this much address space.
        "INTAKE_SCAN_SECONDS": number(env, "TRUSTDESK_SCAN_SECONDS", 10),
        "INTAKE_SCAN_MEMORY_MB": number(env, "TRUSTDESK_SCAN_MEMORY_MB", 512),
        # How many such processes one server process runs at once; the rest wait, within
        # their deadline.
        "INTAKE_SCAN_WORKERS": number(env, "TRUSTDESK_SCAN_WORKERS", 2),
        # Images intake cannot read (no OCR) that are stored unscanned rather than
        # quarantined: the installation's choice, none by default (a screenshot can show
        # a card number).
        "INTAKE_UNSCANNED_IMAGES": _image_kinds(env.get("TRUSTDESK_INTAKE_UNSCANNED_IMAGES",
                                                        "")),
    }


IMAGE_KINDS = ("png", "jpeg", "gif", "webp")


def _image_kinds(raw: str) -> frozenset[str]:
    kinds = {k.strip().lower() for k in raw.split(",") if k.strip()}
    if unknown := sorted(kinds - set(IMAGE_KINDS)):
        raise ImproperlyConfigured(
            f"TRUSTDESK_INTAKE_UNSCANNED_IMAGES: unknown image kind {', '.join(unknown)}; "
            f"use some of {', '.join(IMAGE_KINDS)}.")
    return frozenset(kinds)


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
        except (ValueError, AttributeError, TypeError) as exc:
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


def jobs(env: Mapping[str, str], *, database_engine: str) -> dict:
    """Background jobs on the database (docs/jobs.md)."""
    embedded = env.get("TRUSTDESK_EMBEDDED_WORKER", "").strip().lower()
    if embedded not in ("", "on", "off"):
        raise ImproperlyConfigured(
            f"TRUSTDESK_EMBEDDED_WORKER must be on or off, not {embedded!r}.")
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}},
        # The embedded default (SQLite) runs its worker inside ``trustdesk serve``; a
        # deployment on PostgreSQL runs ``trustdesk worker`` processes of its own.
        "JOBS_EMBEDDED_WORKER": embedded == "on" if embedded else
        database_engine.endswith("sqlite3"),
        # A claimed job whose worker has not beaten for this long is taken back.
        "JOBS_LEASE_SECONDS": number(env, "TRUSTDESK_JOBS_LEASE_SECONDS", 60, minimum=2),
        "JOBS_KEEP_DAYS": number(env, "TRUSTDESK_JOBS_KEEP_DAYS", 7),
        "JOBS_DEAD_KEEP_DAYS": number(env, "TRUSTDESK_JOBS_DEAD_KEEP_DAYS", 90),
    }


LOOPBACK = ("127.0.0.0/8", "::1/128")


def networks(name: str, raw: str | None, default: tuple = ()) -> tuple:
    import ipaddress

    given = default if raw is None else [n.strip() for n in raw.split(",") if n.strip()]
    try:
        return tuple(ipaddress.ip_network(n, strict=False) for n in given)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be comma-separated addresses or CIDRs "
                                   f"like 10.0.0.0/8 ({exc}).") from None


def operations(env: Mapping[str, str]) -> dict:
    """What monitoring may see (docs/deploy.md): ``/metrics`` only with the token or from
    an allowed address, ``/readyz`` failing when the audit trail falls behind."""
    token = env.get("TRUSTDESK_METRICS_TOKEN", "")
    if token and len(token) < 32:
        raise ImproperlyConfigured("TRUSTDESK_METRICS_TOKEN must be 32 or more random "
                                   "characters.")
    return {
        # Kept as the operator gave it, compared in constant time (config/metrics.py).
        "METRICS_TOKEN": token or None,
        # Unset: loopback only; set but empty: no address, the token alone.
        "METRICS_ALLOW": networks("TRUSTDESK_METRICS_ALLOW",
                                   env.get("TRUSTDESK_METRICS_ALLOW"), LOOPBACK),
        # The proxies whose X-Forwarded-For names the client (core/proxy.py); none
        # by default, so the header is never read.
        "TRUSTED_PROXIES": networks("TRUSTDESK_TRUSTED_PROXIES",
                                     env.get("TRUSTDESK_TRUSTED_PROXIES")),
        # /readyz fails while the oldest event not yet chained is older than this.
        "READY_AUDIT_LAG_SECONDS": number(env, "TRUSTDESK_READY_AUDIT_LAG_SECONDS", 300),
    }
