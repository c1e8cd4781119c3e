"""The installation's public base URL, for links that leave TrustDesk (mail footers, the
trust page, security.txt): ``TRUSTDESK_PUBLIC_URL``, else ``TRUSTDESK_CONSOLE_URL``.

Only a plain http(s) origin with an optional path comes through: a value holding spaces,
quotes, line breaks or anything else is treated as unset, so no setting can inject a
header line into security.txt or markup into a page or a mail."""

from __future__ import annotations

import re

from django.conf import settings

_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~/-]*)?")


def public_url() -> str:
    for raw in (getattr(settings, "PUBLIC_URL", ""), getattr(settings, "CONSOLE_URL", "")):
        url = (raw or "").rstrip("/")
        if url and _URL.fullmatch(url):
            return url
    return ""
