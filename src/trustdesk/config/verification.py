"""Caller verification's settings (docs/verification.md), read from the environment like
the controls' (``config/controls.py``): an unset value takes the secure default, a bad
one stops startup with a message naming the variable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.controls import number

# What each gated action needs by default: reading out or revealing account data, one
# factor; changing where the customer is reached or paid, or erasing them, two.
DEFAULT_GATES = {"reveal": 1, "contact_change": 2, "payment_change": 2, "erase": 2,
                 "privacy_request": 2}
SMS_BACKENDS = {
    "file": "trustdesk.customers.delivery.FileSms",
    "console": "trustdesk.customers.delivery.ConsoleSms",
}


def _gates(raw: str) -> dict[str, int]:
    gates = dict(DEFAULT_GATES)
    if not raw.strip():
        return gates
    try:
        given = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured("TRUSTDESK_VERIFICATION_GATES must be a JSON object, "
                                   "e.g. {\"reveal\": 1}.") from None
    if not isinstance(given, dict):
        raise ImproperlyConfigured("TRUSTDESK_VERIFICATION_GATES must be a JSON object.")
    for action, level in given.items():
        if action not in DEFAULT_GATES:
            raise ImproperlyConfigured(
                f"TRUSTDESK_VERIFICATION_GATES: unknown action {action!r} (known: "
                f"{', '.join(DEFAULT_GATES)}).")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 2:
            raise ImproperlyConfigured(
                f"TRUSTDESK_VERIFICATION_GATES[{action!r}] must be 0, 1 or 2.")
        gates[action] = level
    return gates


def _sms_backend(raw: str) -> str:
    raw = raw.strip() or "file"
    if raw in SMS_BACKENDS:
        return SMS_BACKENDS[raw]
    if "." not in raw:
        raise ImproperlyConfigured(
            f"TRUSTDESK_SMS_BACKEND must be file, console or a dotted path, not {raw!r}.")
    return raw


def _facts_csv(raw: str) -> Path | None:
    if not raw.strip():
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ImproperlyConfigured(f"TRUSTDESK_VERIFICATION_FACTS_CSV {raw} is not a file.")
    return path


def verification(env: Mapping[str, str], *, data_dir: Path, production: bool) -> dict:
    webhook = env.get("TRUSTDESK_VERIFICATION_FACTS_URL", "").strip()
    secret = env.get("TRUSTDESK_VERIFICATION_FACTS_SECRET", "")
    if webhook and not webhook.startswith(("https://", "http://")):
        raise ImproperlyConfigured("TRUSTDESK_VERIFICATION_FACTS_URL must be an http(s) URL.")
    if webhook and production and not webhook.startswith("https://"):
        raise ImproperlyConfigured("In production TRUSTDESK_VERIFICATION_FACTS_URL must "
                                   "use https: the facts are customers' records.")
    if webhook and len(secret) < 32:
        raise ImproperlyConfigured("TRUSTDESK_VERIFICATION_FACTS_SECRET (32 characters or "
                                   "more) signs each request to the facts webhook.")
    return {
        "VERIFICATION_MINUTES": number(env, "TRUSTDESK_VERIFICATION_MINUTES", 15),
        "VERIFICATION_GATES": _gates(env.get("TRUSTDESK_VERIFICATION_GATES", "")),
        "VERIFICATION_CODE_MINUTES": number(env, "TRUSTDESK_VERIFICATION_CODE_MINUTES", 10),
        "VERIFICATION_ATTEMPTS": number(env, "TRUSTDESK_VERIFICATION_ATTEMPTS", 3),
        # Challenges one person may start for one customer, and codes one customer may
        # be sent, per hour: a code flood is a nuisance and a way to wear a customer down.
        "VERIFICATION_STARTS_PER_HOUR": number(env, "TRUSTDESK_VERIFICATION_STARTS_PER_HOUR",
                                               6),
        "VERIFICATION_SENDS_PER_HOUR": number(env, "TRUSTDESK_VERIFICATION_SENDS_PER_HOUR",
                                              5),
        "VERIFICATION_FACTS_CSV": _facts_csv(env.get("TRUSTDESK_VERIFICATION_FACTS_CSV", "")),
        "VERIFICATION_FACTS_URL": webhook,
        "VERIFICATION_FACTS_SECRET": secret,
        "SMS_BACKEND": _sms_backend(env.get("TRUSTDESK_SMS_BACKEND", "")),
        "SMS_FILE_DIR": Path(env.get("TRUSTDESK_SMS_FILE_DIR", "") or data_dir / "sms"),
    }
