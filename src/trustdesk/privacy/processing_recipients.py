"""Recipients and transfers of the record of processing activities, read from the
settings: each configured integration that customer or staff data reaches, where it is
(a host, a module, a file; never a credential), and who runs it, from the processors file.
An integration that is not configured is not listed, whatever the processors file says.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings

from trustdesk.privacy import processors
from trustdesk.privacy.processing import NOT_DECLARED, Recipient, Transfer

# The European Economic Area: a transfer outside it needs a safeguard (GDPR Chapter V).
_EEA = ("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
        "IS LI NO")
EEA = frozenset(_EEA.split())
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_LOCAL_SMS = ("trustdesk.customers.delivery.FileSms", "trustdesk.customers.delivery.ConsoleSms")


def _host(url: str) -> str:
    """host:port of a URL, without the user, password or path it may carry."""
    parts = urlparse(url)
    host = parts.hostname or "localhost"
    return f"{host}:{parts.port}" if parts.port else host


def _configured() -> list[tuple[str, str, str, str, str]]:
    """(key, what it is, what it receives, where, the setting) of each configured one."""
    db = settings.DATABASES["default"]
    found = [("hosting", "Servers TrustDesk runs on", "Everything TrustDesk holds (sealed "
              "under the customers' keys where the vault seals it)", "this installation",
              "TRUSTDESK_PROCESSORS_PATH")]
    if db["ENGINE"].endswith("postgresql"):
        where = f"PostgreSQL at {db.get('HOST') or 'a local socket'}"
        where += f":{db['PORT']}" if db.get("PORT") else ""
    else:
        where = "SQLite file in the data directory"
    found.append(("database", "Application database", "Tickets, messages and profile "
                  "fields as ciphertexts; staff accounts; the audit trail", where,
                  "TRUSTDESK_DATABASE_URL"))
    if settings.VAULT_KEYSTORE_URL:
        found.append(("keystore", "Key database", "Customers' data keys, wrapped (never in "
                      "clear)", f"PostgreSQL at {_host(settings.VAULT_KEYSTORE_URL)}",
                      "TRUSTDESK_KEYSTORE_URL"))
    if settings.VAULT_KEY_PROVIDER == "pkcs11":
        found.append(("key_provider", "Hardware security module (PKCS#11)", "Data keys to "
                      "wrap and unwrap; the key-encrypting key never leaves it",
                      f"module {settings.VAULT_PKCS11_MODULE or NOT_DECLARED}, token "
                      f"{settings.VAULT_PKCS11_TOKEN or NOT_DECLARED}",
                      "TRUSTDESK_KEY_PROVIDER"))
    if settings.REDIS_URL:
        found.append(("redis", "Redis (shared counters)", "Counts of sign-in attempts per "
                      "account and IP address, of customer searches per person and of "
                      "portal requests", _host(settings.REDIS_URL), "TRUSTDESK_REDIS_URL"))
    if settings.EMAIL_BACKEND == _SMTP:
        found.append(("smtp_relay", "Outbound mail relay (SMTP)", "Replies to customers "
                      "(names, addresses, what the reply says), sign-in and notification "
                      "mail to staff", f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
                      "TRUSTDESK_SMTP_RELAY"))
    if settings.SMS_BACKEND not in _LOCAL_SMS:
        found.append(("sms", "SMS provider", "Customers' phone numbers and one-time codes",
                      f"adapter {settings.SMS_BACKEND}", "TRUSTDESK_SMS_BACKEND"))
    if settings.CLAMD_ADDRESS:
        found.append(("clamav", "ClamAV (clamd)", "Attachments of inbound mail, to scan",
                      settings.CLAMD_ADDRESS, "TRUSTDESK_CLAMD_ADDRESS"))
    if settings.AUDIT_SYSLOG:
        found.append(("audit_syslog", "Audit collector (syslog)", "Every audit event: who "
                      "did what, to which customer id, from which IP address",
                      settings.AUDIT_SYSLOG, "TRUSTDESK_AUDIT_SYSLOG"))
    if settings.VERIFICATION_FACTS_URL:
        found.append(("verification_facts", "Verification facts webhook", "A customer's id "
                      "and account number, to look up facts to ask a caller",
                      _host(settings.VERIFICATION_FACTS_URL),
                      "TRUSTDESK_VERIFICATION_FACTS_URL"))
    if settings.DNSBL_ZONES:
        found.append(("dnsbl", "DNS blocklists", "The IP address of each mail server that "
                      "delivers to the gateway", ", ".join(settings.DNSBL_ZONES),
                      "TRUSTDESK_DNSBL_ZONES"))
    return found


def recipients() -> tuple[Recipient, ...]:
    declared = processors.declared()
    order = {key: i for i, key in enumerate(processors.RECIPIENTS)}
    listed = []
    for key, name, receives, where, setting in sorted(_configured(),
                                                     key=lambda c: order[c[0]]):
        who = declared.get(key)
        listed.append(Recipient(key=key, name=name, receives=receives, location=where,
                                processor=who.company if who else NOT_DECLARED,
                                country=who.country if who else "", setting=setting))
    return tuple(listed)


def transfers(recipients: tuple[Recipient, ...]) -> tuple[Transfer, ...]:
    """Each recipient declared in a country other than the controller's. Without the
    controller's country nothing is compared: a transfer is never guessed."""
    home = settings.CONTROLLER_COUNTRY
    declared = processors.declared()
    if not home:
        return ()
    return tuple(Transfer(recipient=r.key, processor=r.processor, country=r.country,
                          outside_eea=r.country not in EEA,
                          safeguard=declared[r.key].safeguard or NOT_DECLARED)
                 for r in recipients if r.country and r.country != home)
