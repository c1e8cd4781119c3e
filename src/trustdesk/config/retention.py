"""Retention enforcement's settings (docs/privacy.md), read from the environment like the
controls' (``config/controls.py``): an unset value takes the safe default, a bad one
stops startup with a message naming the variable."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from trustdesk.config.controls import number


def retention(env: Mapping[str, str]) -> dict:
    auto = env.get("TRUSTDESK_RETENTION_AUTO", "").strip().lower()
    if auto not in ("", "true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(
            f"TRUSTDESK_RETENTION_AUTO must be true or false, not {auto!r}.")
    return {
        # Off by default: deletion cannot be undone, and a mistaken inventory (a "3d"
        # typed for "3y") would otherwise destroy data on the first night. A privacy
        # officer approves each run's preview until the deployment chooses otherwise.
        "RETENTION_AUTO": auto in ("true", "1", "yes", "on"),
        # Objects (fields, tickets, customers shredded) one batch deletes at most.
        "RETENTION_BATCH": number(env, "TRUSTDESK_RETENTION_BATCH", 2000),
        # Milliseconds a batch waits between its transactions, so that a long run leaves
        # the database and the CPU to requests; 0 runs flat out.
        "RETENTION_PAUSE_MS": number(env, "TRUSTDESK_RETENTION_PAUSE_MS", 20, minimum=0),
    }
