"""What tests of caller verification read back: the code or link sent by mail or text
message, and the company's records written as a CSV."""

from __future__ import annotations

import json
import re

from django.core import mail

EMAIL = "orla.kinsella@example.net"
PHONE = "+441614960123"
ACCOUNT = "ACCT-31415926"
PUBLIC = "https://help.example.com"
_CODE = re.compile(r"Your verification code is (\d{6})\.")
_LINK = re.compile(re.escape(PUBLIC) + r"(/verify/[^/\s]+/)")


def mailed_code(message=None) -> str:
    message = message or mail.outbox[-1]
    match = _CODE.search(message.body)
    assert match, message.body
    return match.group(1)


def mailed_link(message=None) -> str:
    """The path of the verification link in the last mail (or ``message``)."""
    message = message or mail.outbox[-1]
    match = _LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def texts(settings) -> list[dict]:
    directory = settings.SMS_FILE_DIR
    if not directory.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(directory.iterdir(),
                                                    key=lambda p: p.stat().st_mtime_ns)]


def texted_code(settings) -> str:
    match = _CODE.search(texts(settings)[-1]["text"])
    assert match
    return match.group(1)


def write_facts(path, rows) -> None:
    """A CSV of the company's records: ``customer,kind,value,occurred_on`` rows."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["customer", "kind", "value", "occurred_on"])
        writer.writerows(rows)
