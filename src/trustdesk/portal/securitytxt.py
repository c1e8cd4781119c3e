"""``/.well-known/security.txt`` (RFC 9116): where to report a security problem.

Contact comes from ``TRUSTDESK_SECURITY_CONTACT`` and must be a ``mailto:`` or
``https:`` URI of printable ASCII without spaces; Expires lies
``TRUSTDESK_SECURITY_TXT_DAYS`` (default 180, at most 364) days ahead, so the file is
never stale and never more than a year out (RFC 9116 §2.5.5). Canonical and Policy are
given when the public URL is known and https (``core.publicurl``), never guessed from
the Host header.

Without a valid contact the file is not served (404) and a system check says so in
production: a security.txt with no one behind it is worse than none, and a malformed
value (a line break that would add a field of its own) is treated as none.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings

from trustdesk.core import clock
from trustdesk.core.publicurl import public_url

_CONTACT = re.compile(r"mailto:[!-~]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}|https://[!-~]+")
LANGUAGES = "en, zh"


def contact() -> str:
    raw = getattr(settings, "SECURITY_CONTACT", "") or ""
    if len(raw) <= 254 and _CONTACT.fullmatch(raw) and not any(c in raw for c in "<>\"'\\"):
        return raw
    return ""


def expires(now: dt.datetime | None = None) -> str:
    days = min(max(int(getattr(settings, "SECURITY_TXT_DAYS", 180)), 1), 364)
    moment = (now or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    return (moment + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def render() -> str | None:
    """The file's text, or None when there is no valid contact."""
    who = contact()
    if not who:
        return None
    lines = [f"Contact: {who}", f"Expires: {expires()}",
             f"Preferred-Languages: {LANGUAGES}"]
    base = public_url()
    if base.startswith("https://"):  # web URIs in security.txt must be https (§2.5)
        lines.append(f"Canonical: {base}/.well-known/security.txt")
        lines.append(f"Policy: {base}/trust/#security")
    return "\n".join(lines) + "\n"
