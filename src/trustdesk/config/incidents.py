"""The settings of incident response (docs/incidents.md), read from the environment like
the controls' (``config/controls.py``): an unset value takes the default, a bad one stops
startup with a message naming the variable. The playbooks file itself is read and
checked when the grc app starts (``grc/playbooks.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.controls import number

_YES, _NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in _YES + _NO:
        raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")
    return raw in _YES


def incidents(env: Mapping[str, str]) -> dict:
    return {
        # YAML: the playbooks per incident type, instead of the shipped grc/playbooks.yaml.
        "PLAYBOOKS_PATH": env.get("TRUSTDESK_PLAYBOOKS_PATH", "").strip(),
        # GDPR Art. 34 says "without undue delay": a target the company sets itself, not
        # the statute's; 72 hours, like the authority's, unless configured.
        "INCIDENT_SUBJECTS_HOURS": number(env, "TRUSTDESK_INCIDENT_SUBJECTS_HOURS", 72),
        # HIPAA's breach notification rule (60 days), for covered entities only.
        "INCIDENT_HIPAA": _flag(env, "TRUSTDESK_INCIDENT_HIPAA"),
        # China's PIPL says "immediately"; 0 leaves the clock off.
        "INCIDENT_PIPL_HOURS": number(env, "TRUSTDESK_INCIDENT_PIPL_HOURS", 0, minimum=0),
        # Officers are reminded this many hours before a notice falls due.
        "INCIDENT_REMINDER_HOURS": number(env, "TRUSTDESK_INCIDENT_REMINDER_HOURS", 24),
    }
