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


def pass_factor(actor, customer_id, method: str, *, answer: str | None = None):
    """The caller proves one factor to ``actor`` by ``method`` through the services: the
    code read from the mail or text it went to, or ``answer`` to a question."""
    from django.conf import settings

    from trustdesk.verification import services

    started = services.challenge_start(actor=actor, customer_id=customer_id,
                                       method_name=method)
    if method == "email_code":
        said = mailed_code()
    elif method == "sms_code":
        said = texted_code(settings)
    elif method == "email_link":
        assert services.link_confirm(token=mailed_link().split("/")[2])
        return None
    else:
        said = answer
    answered = services.challenge_answer(actor=actor, challenge_id=started.challenge_id,
                                         answer=said)
    assert answered.matches, method
    return answered.state
