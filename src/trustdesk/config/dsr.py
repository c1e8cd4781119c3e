"""The settings of data-subject request deadlines (docs/dsr.md), read from the
environment like the controls' (``config/controls.py``): an unset value takes the
default, a bad one stops startup with a message naming the variable. The rules file
itself is read and checked when the privacy app starts (``privacy/dsr_rules.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.controls import number


def dsr(env: Mapping[str, str]) -> dict:
    country = env.get("TRUSTDESK_DSR_DEFAULT_COUNTRY", "").strip().upper()
    if country and not (len(country) == 2 and country.isalpha()):
        raise ImproperlyConfigured(
            f"TRUSTDESK_DSR_DEFAULT_COUNTRY must be a two-letter country code, not {country!r}.")
    return {
        # YAML: extra rules and countries over the shipped ones (docs/dsr.md).
        "DSR_RULES_PATH": env.get("TRUSTDESK_DSR_RULES_PATH", "").strip(),
        # The country whose rule applies when the customer's profile names none.
        "DSR_DEFAULT_COUNTRY": country,
        # PIPL says "promptly"; 15 days is a configurable default, not the statute's.
        "DSR_PIPL_DAYS": number(env, "TRUSTDESK_DSR_PIPL_DAYS", 15),
        # Privacy officers are reminded this many days before a request falls due.
        "DSR_REMINDER_DAYS": number(env, "TRUSTDESK_DSR_REMINDER_DAYS", 5),
    }
