"""TrustDesk's one settings module. Everything that varies by deployment comes from the
environment (``TRUSTDESK_*``); everything else is a secure default.

Development (the default) keeps its state in ``TRUSTDESK_DATA_DIR``: the SQLite database, a
generated secret key and uploaded files. Production refuses to start without an explicit
secret key and allowed hosts, and turns on every HTTPS-only protection.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from trustdesk.config import (
    controls,
    dsr,
    incidents,
    insider,
    mail,
    metrics_dir,
    processing,
    retention,
    verification,
)

env = os.environ
PACKAGE_DIR = Path(__file__).resolve().parent.parent

ENV = env.get("TRUSTDESK_ENV", "development")
if ENV not in ("development", "production"):
    raise ImproperlyConfigured(
        f"TRUSTDESK_ENV must be 'development' or 'production', not {ENV!r}."
    )
PRODUCTION = ENV == "production"
DEBUG = env.get("TRUSTDESK_DEBUG", "") == "1" and not PRODUCTION


def _data_dir() -> Path:
    default = Path(env.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "trustdesk"
    path = Path(env.get("TRUSTDESK_DATA_DIR", default)).expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


DATA_DIR = _data_dir()
# Before anything imports prometheus_client: every process of this server writes its
# metrics beside the others', and /metrics sums them (config/metrics_dir.py).
METRICS_DIR = metrics_dir.prepare(
    os.environ, Path(env.get("TRUSTDESK_METRICS_DIR") or DATA_DIR / "metrics").expanduser())


def _secret_key() -> str:
    if key := env.get("TRUSTDESK_SECRET_KEY"):
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("TRUSTDESK_SECRET_KEY must be 50 or more random characters.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "TRUSTDESK_SECRET_KEY is required in production (50+ random characters)."
        )
    # Development: generate once, keep it private to this user in the data directory.
    from trustdesk.core.secretfile import read_or_create

    return read_or_create(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(64))


SECRET_KEY = _secret_key()

if PRODUCTION:
    ALLOWED_HOSTS = [h.strip() for h in env.get("TRUSTDESK_ALLOWED_HOSTS", "").split(",") if h]
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TRUSTDESK_ALLOWED_HOSTS is required in production.")
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env.get("TRUSTDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth: the console's templates (sign-in pages) override allauth's defaults.
    "trustdesk.console",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "trustdesk.core",
    "trustdesk.vault",
    "trustdesk.audit",
    "trustdesk.access",
    "trustdesk.privacy",
    "django_tasks",
    "django_tasks_db",
    "trustdesk.jobs",
    "trustdesk.accounts",
    "trustdesk.search",
    "trustdesk.customers",
    "trustdesk.channels",
    "trustdesk.tickets",
    "trustdesk.verification",
    "trustdesk.mailgateway",
    "trustdesk.retention",
    "trustdesk.dsr",
    "trustdesk.insider",
    "trustdesk.grc",
    "trustdesk.api",
    "trustdesk.portal",
    "trustdesk.config",
]

MIDDLEWARE = [
    # First: every answer, a redirect or a refusal too, carries the request id, is logged
    # once and counted (core/requests.py).
    "trustdesk.core.requests.RequestMiddleware",
    # The client's address from a trusted proxy's X-Forwarded-For, before anything
    # (sign-in throttling, the audit trail, /metrics) reads REMOTE_ADDR (core/proxy.py).
    "trustdesk.core.proxy.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files may be cached): everything else is no-store.
    "trustdesk.core.middleware.NoStoreMiddleware",
    "trustdesk.api.middleware.ApiBoundaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "trustdesk.accounts.sessions.AbsoluteSessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in and messages: a person whose role needs MFA and who has none is sent
    # to enrol before anything else (and the API refuses their session).
    "trustdesk.accounts.mfa.middleware.MfaEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "trustdesk.config.urls"
WSGI_APPLICATION = "trustdesk.config.wsgi.application"
ASGI_APPLICATION = "trustdesk.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trustdesk.console.context.console",
            ],
        },
    },
]


def _database() -> dict:
    url = env.get("TRUSTDESK_DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if db["ENGINE"] not in (
            "django.db.backends.postgresql",
            "django.db.backends.sqlite3",
        ):
            raise ImproperlyConfigured("TRUSTDESK_DATABASE_URL must be postgres:// or sqlite://")
        if db["ENGINE"] == "django.db.backends.postgresql":
            db.setdefault("OPTIONS", {})
            db["OPTIONS"].setdefault("connect_timeout", 5)
            return db
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "trustdesk.sqlite3")}
    # SQLite: WAL lets readers proceed during a write (set by config/sqlite.py, which also
    # makes the file 0600); IMMEDIATE transactions take the write lock up front, so
    # concurrent writers queue (busy_timeout) instead of failing mid-way.
    db["OPTIONS"] = {
        "init_command": "PRAGMA busy_timeout=10000;PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# allauth's backend only (it extends Django's ModelBackend): with both listed, a wrong
# password was checked twice per attempt, doubling the guesses a burst could get in.
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first: new and re-hashed passwords use it. Django's parameters (m=100 MiB, t=2,
# p=8) exceed OWASP's minimum of m=19 MiB, t=2, p=1; tests/accounts/test_passwords.py
# checks the hashes it produces.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length over composition rules (8 characters with MFA, 15 without, up
# to 256 accepted); common passwords and those a strength estimator can guess refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "trustdesk.accounts.passwords.LengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "trustdesk.accounts.passwords.StrengthValidator"},
]
PASSWORD_MIN_LENGTH_WITH_MFA = 8
PASSWORD_MIN_LENGTH_WITHOUT_MFA = 15
PASSWORD_MAX_LENGTH = 256

# --- Sign-in: lockout counters and multi-factor authentication (config/controls.py) ---
globals().update(controls.identity(env))

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "console:home"
ACCOUNT_ADAPTER = "trustdesk.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# The sign-in address: one per account, changed by an admin (accounts/credentials.py). A
# new address counts only once confirmed from its mailbox; then it replaces the old one,
# which is told (as it is of password changes and resets).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
# allauth's own address-changing flows ask for a recent password or second factor too
# (allauth.mfa already does); TrustDesk replaces its address page, this stays as a backstop.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Sensitive actions (changing MFA, exports, issuing tokens) ask for the password or a
# second factor again when the last confirmation is older than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60

# Outbound mail: printed to the log until an SMTP relay is configured.
EMAIL_BACKEND = env.get("TRUSTDESK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.get("TRUSTDESK_FROM_EMAIL", "TrustDesk <support@localhost>")
# Notifications to agents by email (assignment, customer reply, SLA risk): the ticket's
# number and a link, never what it says. The link needs the console's address.
NOTIFY_BY_EMAIL = env.get("TRUSTDESK_NOTIFY_BY_EMAIL", "true").lower() in ("1", "true", "yes")
CONSOLE_URL = env.get("TRUSTDESK_CONSOLE_URL", "").rstrip("/")
# The public trust page and security.txt (docs/trust.md): the customer-facing base URL
# (default: the console's), who receives security reports (mailto: or https:, required
# for /.well-known/security.txt to be served), who receives privacy requests, and how
# many days ahead security.txt's Expires lies (under a year, RFC 9116).
PUBLIC_URL = env.get("TRUSTDESK_PUBLIC_URL", "").rstrip("/")
SECURITY_CONTACT = env.get("TRUSTDESK_SECURITY_CONTACT", "").strip()
PRIVACY_CONTACT = env.get("TRUSTDESK_PRIVACY_CONTACT", "").strip()
SECURITY_TXT_DAYS = min(controls.number(env, "TRUSTDESK_SECURITY_TXT_DAYS", 180), 364)
# The customer portal (docs/portal.md): tickets opened, answers and privacy requests one
# signed-in customer may send in an hour. A stolen or shared session should not turn
# into a flood of tickets, notifications and sealed rows.
PORTAL_WRITES_PER_HOUR = controls.number(env, "TRUSTDESK_PORTAL_WRITES_PER_HOUR", 30)
# Sign-in and confirmation links: how long one lasts, how long its session, and the
# hourly limits per address (spent silently), per client and in total.
PORTAL_LINK_MINUTES = controls.number(env, "TRUSTDESK_PORTAL_LINK_MINUTES", 15)
PORTAL_SESSION_HOURS = controls.number(env, "TRUSTDESK_PORTAL_SESSION_HOURS", 8)
PORTAL_LINKS_PER_ADDRESS = controls.number(env, "TRUSTDESK_PORTAL_LINKS_PER_ADDRESS", 3)
PORTAL_LINKS_PER_IP = controls.number(env, "TRUSTDESK_PORTAL_LINKS_PER_IP", 10)
PORTAL_LINKS_TOTAL = controls.number(env, "TRUSTDESK_PORTAL_LINKS_TOTAL", 500)
PORTAL_CONTACTS_PER_IP = controls.number(env, "TRUSTDESK_PORTAL_CONTACTS_PER_IP", 5)
PORTAL_CONTACTS_TOTAL = controls.number(env, "TRUSTDESK_PORTAL_CONTACTS_TOTAL", 200)
PORTAL_CONFIRMS_PER_IP = controls.number(env, "TRUSTDESK_PORTAL_CONFIRMS_PER_IP", 30)

# The copy of a customer's data (docs/dsr.md): sealed files, one per export, beside the
# other local state unless told otherwise; the one-time link's lifetime in hours.
EXPORT_DIR = Path(env.get("TRUSTDESK_EXPORT_DIR") or DATA_DIR / "exports").expanduser()
EXPORT_LINK_HOURS = controls.number(env, "TRUSTDESK_EXPORT_LINK_HOURS", 72)

LANGUAGE_CODE = "en"
# The public pages speak these (chosen per request by trustdesk.portal, never by a
# middleware: the console stays in English).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(mode=0o755, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed files collected at start-up by `trustdesk serve`;
    # development serves straight from the app folders.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Cookies, sessions and transport -----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# ASVS 3.3.2: idle timeout 30 minutes (refreshed by every request), absolute 12 hours.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
USERSESSIONS_TRACK_ACTIVITY = True
LOGIN_URL_PATH = "/accounts/login/"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_NAME = "__Host-trustdesk_session" if PRODUCTION else "trustdesk_session"
CSRF_COOKIE_NAME = "__Host-trustdesk_csrf" if PRODUCTION else "trustdesk_csrf"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.get("TRUSTDESK_SSL_REDIRECT", "1") == "1"
    # Load balancers and Prometheus probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.get("TRUSTDESK_BEHIND_PROXY") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content Security Policy: no inline script, nothing from elsewhere -------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}

# --- Request size limits: bad input is refused before it is read --------------------------
ATTACHMENT_MAX_BYTES = controls.number(env, "TRUSTDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENTS_PER_MESSAGE = 5
MESSAGE_MAX_CHARS = 100_000

# A JSON body may carry one attachment of the maximum size, base64-encoded (4/3) with slack.
API_MAX_BODY_BYTES = ATTACHMENT_MAX_BYTES * 4 // 3 + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- `trustdesk serve` (config/server.py): 0 workers means one per CPU ---------------------
SERVER_WORKERS = controls.number(env, "TRUSTDESK_WORKERS", 0, minimum=0)
SERVER_THREADS = controls.number(env, "TRUSTDESK_THREADS", 4)

# --- TrustDesk's controls: vault, audit trail, field-level access, PII (config/controls.py)
globals().update(controls.vault(env, production=PRODUCTION,
                                database_engine=DATABASES["default"]["ENGINE"]))
globals().update(controls.audit(env, data_dir=DATA_DIR))
globals().update(controls.access(env))
globals().update(controls.pii())
globals().update(controls.scanning(env))
globals().update(controls.jobs(env, database_engine=DATABASES["default"]["ENGINE"]))

# --- The mail gateway: SMTP listener, sender authentication, policy (config/mail.py) ----
globals().update(mail.mail(env, database_engine=DATABASES["default"]["ENGINE"]))

# --- Retention enforcement: approval, batch size (config/retention.py) --------------------
globals().update(retention.retention(env))
# --- Data-subject request deadlines: rules, default country, reminders (config/dsr.py) ---
globals().update(dsr.dsr(env))
# --- Incident response: playbooks, notification clocks (config/incidents.py) -------------
globals().update(incidents.incidents(env))
# --- Insider-threat scan: configuration, window, routing (config/insider.py) ------------
globals().update(insider.insider(env))

# --- Caller verification: gates, codes, facts, SMS (config/verification.py) -------------
globals().update(verification.verification(env, data_dir=DATA_DIR, production=PRODUCTION))

# --- The record of processing activities: controller, DPO, processors (config/processing.py)
globals().update(processing.processing(env))

# --- TrustDesk ----------------------------------------------------------------------------
DATA_INVENTORY_PATH = Path(
    env.get("TRUSTDESK_INVENTORY_PATH", PACKAGE_DIR / "privacy" / "default_inventory.yaml")
)
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 366
DATA_INVENTORY_CUSTOM = "TRUSTDESK_INVENTORY_PATH" in env  # shown, not the path

LOG_FORMAT = env.get("TRUSTDESK_LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("TRUSTDESK_LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One record per line: line breaks in messages, arguments and tracebacks are
    # escaped (core/logs.py), so logged input cannot forge a record. Each record names
    # the request it was written in (core/requests.py).
    "filters": {"request": {"()": "trustdesk.core.requests.RequestFilter"}},
    "formatters": {"text": {"()": "trustdesk.core.logs.OneLineFormatter",
                            "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "trustdesk.core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": "INFO" if PRODUCTION else "WARNING"},
    "loggers": {
        "trustdesk": {"level": "INFO", "propagate": True},
        "django.security": {"level": "WARNING", "propagate": True},
    },
}

# --- Operations: /metrics, /readyz (config/metrics.py, config/health.py) ------------------
globals().update(controls.operations(env))
