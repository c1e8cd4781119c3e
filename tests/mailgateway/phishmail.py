"""Test mail for the phishing analyser's tests: one builder for every shape they need."""

from __future__ import annotations

import email.policy
from email.message import EmailMessage

from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message, build_view
from trustdesk.mailgateway.analysis.phishing.base import Context


def mail(*, sender: str = "ada@customer.example", name: str = "Sam Taylor",
         subject: str = "My order has not arrived",
         text: str = "Hello, my order 1234 has not arrived yet.", html: str | None = None,
         reply_to: str | None = None, return_path: str | None = None,
         received: str | None = None, headers: dict | None = None,
         attachments: tuple = ()) -> bytes:
    msg = EmailMessage()
    if return_path:
        msg["Return-Path"] = f"<{return_path}>"
    if received:
        msg["Received"] = received
    msg["From"] = f'"{name}" <{sender}>' if name else sender
    msg["To"] = "support@acme.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<1@test>"
    if reply_to:
        msg["Reply-To"] = reply_to
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=email.policy.SMTP)


def reasons_of(signal, raw: bytes, context: Context | None = None, *, resolver=None):
    """The (weight, text) pairs one signal gives ``raw``."""
    view = build_view(raw, resolver=resolver)
    return [(r.weight, r.text) for r in signal.check(view, context or Context())]


def weights(raw: bytes, context: Context | None = None, *, resolver=None) -> dict[str, int]:
    """Each signal's total weight in the verdict on ``raw``."""
    out: dict[str, int] = {}
    for r in analyze_message(raw, resolver=resolver, context=context).reasons:
        out[r.signal] = out.get(r.signal, 0) + r.weight
    return out
