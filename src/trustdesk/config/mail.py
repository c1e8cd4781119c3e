"""The mail gateway's settings (docs/email.md), read from the environment like the
controls' (``config/controls.py``): an unset value takes the default, a bad one stops
startup with a message naming the variable."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.controls import LOOPBACK, networks, number


def _address(name: str, raw: str, default: str) -> tuple[str, int] | None:
    raw = (raw or default).strip()
    if raw.lower() == "off":
        return None
    host, sep, port = raw.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ImproperlyConfigured(f"{name} must be host:port or off, not {raw!r}.")
    return host.strip("[]") or "127.0.0.1", int(port)


def _list(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def relay(env: Mapping[str, str]) -> dict:
    """The relay outbound mail (replies, sign-in mail) goes through: Django's SMTP
    settings, from TRUSTDESK_SMTP_RELAY (host:port). Set, it makes the SMTP backend the
    default; TLS is required to a relay off this machine unless said otherwise."""
    raw = env.get("TRUSTDESK_SMTP_RELAY", "").strip()
    if not raw:
        return {}
    host, port = _address("TRUSTDESK_SMTP_RELAY", raw, "")
    tls = (env.get("TRUSTDESK_SMTP_RELAY_TLS", "").strip().lower()
           or ("none" if host in _LOCAL_HOSTS else "starttls"))
    if tls not in ("starttls", "tls", "none"):
        raise ImproperlyConfigured("TRUSTDESK_SMTP_RELAY_TLS must be starttls, tls or none, "
                                   f"not {tls!r}.")
    user = env.get("TRUSTDESK_SMTP_RELAY_USER", "").strip()
    password = env.get("TRUSTDESK_SMTP_RELAY_PASSWORD", "")
    if user and tls == "none" and host not in _LOCAL_HOSTS:
        raise ImproperlyConfigured("TRUSTDESK_SMTP_RELAY_USER: a password is not sent to "
                                   "a relay off this machine without TLS.")
    return {
        "EMAIL_BACKEND": env.get("TRUSTDESK_EMAIL_BACKEND", "").strip() or SMTP_BACKEND,
        "EMAIL_HOST": host, "EMAIL_PORT": port,
        "EMAIL_USE_TLS": tls == "starttls", "EMAIL_USE_SSL": tls == "tls",
        "EMAIL_HOST_USER": user, "EMAIL_HOST_PASSWORD": password if user else "",
        # Django's default is no timeout: a relay that stops answering would hold a
        # worker for good.
        "EMAIL_TIMEOUT": number(env, "TRUSTDESK_SMTP_RELAY_TIMEOUT", 30),
    }


def mail(env: Mapping[str, str], *, database_engine: str) -> dict:
    cert, key = env.get("TRUSTDESK_SMTPD_TLS_CERT", ""), env.get("TRUSTDESK_SMTPD_TLS_KEY", "")
    if bool(cert) != bool(key):
        raise ImproperlyConfigured("TRUSTDESK_SMTPD_TLS_CERT and TRUSTDESK_SMTPD_TLS_KEY "
                                   "go together: set both, or neither.")
    timeout = env.get("TRUSTDESK_DNS_TIMEOUT", "").strip() or "1.5"
    try:
        dns_timeout = float(timeout)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTDESK_DNS_TIMEOUT must be seconds, not {timeout!r}."
                                   ) from None
    embedded = database_engine.endswith("sqlite3")
    return {
        **relay(env),
        # Where the listener binds. `trustdesk serve` starts it beside the web server on
        # the embedded default; `trustdesk smtpd` runs it alone behind the MX.
        "SMTPD_LISTEN": _address("TRUSTDESK_SMTPD_LISTEN", env.get("TRUSTDESK_SMTPD_LISTEN", ""),
                                 "127.0.0.1:2525"),
        "SMTPD_IN_SERVE": (env.get("TRUSTDESK_SMTPD_IN_SERVE", "").strip().lower() or
                           ("on" if embedded else "off")) == "on",
        "SMTPD_HOSTNAME": env.get("TRUSTDESK_SMTPD_HOSTNAME", "").strip() or "trustdesk.localhost",
        "SMTPD_TLS_CERT": cert or None,
        "SMTPD_TLS_KEY": key or None,
        "SMTPD_MAX_BYTES": number(env, "TRUSTDESK_SMTPD_MAX_BYTES", 25 * 1024 * 1024,
                                  minimum=1024),
        "SMTPD_MAX_RECIPIENTS": number(env, "TRUSTDESK_SMTPD_MAX_RECIPIENTS", 20),
        "SMTPD_MAX_CONNECTIONS": number(env, "TRUSTDESK_SMTPD_MAX_CONNECTIONS", 200),
        "SMTPD_MAX_CONNECTIONS_PER_IP": number(env, "TRUSTDESK_SMTPD_MAX_CONNECTIONS_PER_IP",
                                               10),
        # Messages accepted per minute, per client address, sender domain and recipient.
        "SMTPD_RATE_PER_IP": number(env, "TRUSTDESK_SMTPD_RATE_PER_IP", 60),
        "SMTPD_RATE_PER_SENDER_DOMAIN": number(env, "TRUSTDESK_SMTPD_RATE_PER_SENDER_DOMAIN",
                                               120),
        "SMTPD_RATE_PER_RECIPIENT": number(env, "TRUSTDESK_SMTPD_RATE_PER_RECIPIENT", 120),
        # Greylisting: a first delivery attempt of an unknown (network, sender,
        # recipient) is deferred for this long; 0 turns it off.
        "GREYLIST_DELAY_SECONDS": number(env, "TRUSTDESK_GREYLIST_DELAY", 300, minimum=0),
        "GREYLIST_ALLOW": networks("TRUSTDESK_GREYLIST_ALLOW",
                                    env.get("TRUSTDESK_GREYLIST_ALLOW"), LOOPBACK),
        # DNS for SPF, DKIM, DMARC and the DNS checks: the system's resolver unless
        # servers are named (host or host:port), with a short bound on each lookup.
        "DNS_NAMESERVERS": _list(env.get("TRUSTDESK_DNS_NAMESERVERS")),
        "DNS_TIMEOUT": dns_timeout,
        # DNS blocklists to ask about the client's address: none unless configured.
        "DNSBL_ZONES": _list(env.get("TRUSTDESK_DNSBL_ZONES")),
        # A MaxMind-format (GeoLite2/GeoIP2 Country) database file for the country filter.
        "GEOIP_DATABASE": env.get("TRUSTDESK_GEOIP_DATABASE", "").strip() or None,
        # ClamAV's clamd: a unix socket path or host:port; unset, the built-in scanner alone.
        "CLAMD_ADDRESS": env.get("TRUSTDESK_CLAMD_ADDRESS", "").strip() or None,
    }
