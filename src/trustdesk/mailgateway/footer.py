"""The short footer under every mail TrustDesk sends a customer: what we never ask for,
and where the list of official channels is, so that a customer who gets a mail asking
for their password can tell it is not from us.

Plain text, fixed wording, built from the registry's promise for the email channel and
the public address from settings (``TRUSTDESK_PUBLIC_URL``, else
``TRUSTDESK_CONSOLE_URL``), never from anything a customer or agent typed. Without a
usable public address the footer says what we never ask for and gives no link (a link
to nowhere would teach customers to trust any link).
"""

from __future__ import annotations

from trustdesk.channels.selectors import promise_for
from trustdesk.channels.vocabulary import never_ask_list
from trustdesk.core.publicurl import public_url

SEPARATOR = "-- \n"  # the signature separator mail readers fold away


def channels_link() -> str:
    base = public_url()
    return f"{base}/trust/#channels" if base else ""


def text() -> str:
    promise = promise_for("email")
    lines = [SEPARATOR.rstrip("\n"),
             f"We will never ask you for {never_ask_list(promise.never_asks)}."]
    if link := channels_link():
        lines.append(f"Our official channels, and what each may ask: {link}")
    return "\n".join(lines) + "\n"


def with_footer(body: str) -> str:
    body = body or ""
    return f"{body}{'' if body.endswith(chr(10)) else chr(10)}\n{text()}"
