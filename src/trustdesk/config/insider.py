"""The settings of the insider-threat scan (docs/insider.md, "Alerts"), read from the
environment like the controls' (``config/controls.py``): an unset value takes the
default, a bad one stops startup with a message naming the variable."""

from __future__ import annotations

from collections.abc import Mapping

from trustdesk.config.controls import number


def insider(env: Mapping[str, str]) -> dict:
    return {
        # YAML: the detectors' configuration (docs/insider.md); unset, the defaults.
        "INSIDER_CONFIG": env.get("TRUSTDESK_INSIDER_CONFIG", "").strip(),
        # How much of the trail each scan judges: the detectors' baselines need weeks.
        "INSIDER_WINDOW_DAYS": number(env, "TRUSTDESK_INSIDER_WINDOW_DAYS", 35),
        # A new alert scoring at least this emails the security officers.
        "INSIDER_NOTIFY_SCORE": number(env, "TRUSTDESK_INSIDER_NOTIFY_SCORE", 70, minimum=0),
        # A dismissed detector and person are not alerted again for this many days...
        "INSIDER_SUPPRESS_DAYS": number(env, "TRUSTDESK_INSIDER_SUPPRESS_DAYS", 14,
                                        minimum=0),
        # ... unless the score rises this much above the dismissed one.
        "INSIDER_SUPPRESS_RISE": number(env, "TRUSTDESK_INSIDER_SUPPRESS_RISE", 15),
    }
