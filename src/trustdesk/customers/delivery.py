"""Fixed-text messages to a customer's channel on file: verification codes and links,
and the notice that a contact detail changed.

Only to the email address or phone number already in the profile — never to one a
caller has just given — and only words TrustDesk wrote: nothing a caller or an agent
typed is echoed, so these messages cannot be turned into a relay. SMS goes through an
adapter (``SMS_BACKEND``): a file per message in ``SMS_FILE_DIR`` by default (a
development stand-in for a provider), the console, or a provider's class by dotted path.
"""

from __future__ import annotations

import json
import os
import secrets
from email.headerregistry import Address
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from trustdesk.core import clock
from trustdesk.core.errors import Unavailable
from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import read_profile

CHANNEL_FIELDS = {"email": "email", "phone": "phone"}
# Backends that keep what is "sent" on this machine (printed to the log, written to a
# file, held in memory): stand-ins for development. A code or a link sent through one
# reaches whoever reads the log or the disk, never the customer.
STAND_INS = frozenset({
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "trustdesk.customers.delivery.FileSms",
    "trustdesk.customers.delivery.ConsoleSms",
})


class Undeliverable(Unavailable):
    code = "undeliverable"
    message = "The customer has no usable contact of that kind on file."


def on_file(customer_id, kind: str) -> str | None:
    """The customer's email address or phone number as stored, or ``None``."""
    profile = read_profile(customer_id)
    if profile is None or profile.status != Customer.Status.ACTIVE:
        return None
    value = (profile.profile.get(CHANNEL_FIELDS[kind]) or "").strip()
    return value or None


def reaches_customer(kind: str) -> bool:
    """Whether a message by ``kind`` ("email" or "phone") leaves this machine for the
    customer. In production a stand-in backend is no channel for a secret: a
    verification code sent through it would pass whoever reads the log."""
    if not getattr(settings, "PRODUCTION", False):
        return True
    backend = settings.EMAIL_BACKEND if kind == "email" else settings.SMS_BACKEND
    return backend not in STAND_INS


def send(kind: str, to: str, *, subject: str, text: str) -> None:
    """Send ``text`` to ``to`` by ``kind`` ("email" or "phone"). Raises
    ``Undeliverable`` when the relay or the provider refuses (the caller decides what
    that means: a code not sent is a challenge that cannot pass)."""
    try:
        if kind == "email":
            _email(to, subject, text)
        else:
            sms_backend().send(to, text)
    except Undeliverable:
        raise
    except Exception as exc:  # a relay or provider failure: one kind of answer
        raise Undeliverable("The message could not be sent; try again or use another "
                            "method.", detail=f"{kind} delivery: {type(exc).__name__}") from exc


def _email(to: str, subject: str, text: str) -> None:
    local, at, _domain = to.rpartition("@")
    if not at or not local or any(c in to for c in "\r\n,;<>\""):
        raise Undeliverable(detail="email on file is not a single address")
    address = str(Address(addr_spec=to))
    mail = EmailMessage(subject=subject, body=text, to=[address],
                        from_email=getattr(settings, "VERIFICATION_FROM_EMAIL", None)
                        or settings.DEFAULT_FROM_EMAIL,
                        headers={"Auto-Submitted": "auto-generated"})
    mail.send(fail_silently=False)


class FileSms:
    """Each message as a JSON file in ``SMS_FILE_DIR`` (0600): for development and
    tests, where no provider is reachable."""

    def send(self, number: str, text: str) -> None:
        directory = settings.SMS_FILE_DIR
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.json"
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"to": number, "text": text}, out)


class ConsoleSms:
    def send(self, number: str, text: str) -> None:
        print(f"SMS to {number}: {text}", flush=True)


@cache
def _backend(path: str):
    return import_string(path)()


def sms_backend():
    return _backend(settings.SMS_BACKEND)
