"""Reading back what the services stored, through the vault, for assertions."""

from __future__ import annotations

import contextlib

from trustdesk.customers.models import Customer
from trustdesk.customers.profiles import build_profiles
from trustdesk.tickets.models import Attachment, Message
from trustdesk.tickets.sealing import open_attachment_data, open_attachment_meta, open_messages


def stored_profile(customer_id) -> dict[str, str]:
    return build_profiles([Customer.objects.get(pk=customer_id)])[0].profile


def opened_messages(queryset=None) -> list[Message]:
    """Messages (all, or those of ``queryset``) with ``.body`` opened."""
    messages = list((queryset if queryset is not None else Message.objects.all())
                    .select_related("ticket__customer").order_by("created_at", "id"))
    for m in messages:
        open_messages(m.ticket.customer_id, [m],
                      erased=m.ticket.customer.status == Customer.Status.ERASED)
    return messages


def all_bodies() -> set[str]:
    return {m.body for m in opened_messages()}


def opened_attachment(attachment: Attachment) -> Attachment:
    customer_id = attachment.message.ticket.customer_id
    open_attachment_meta(customer_id, attachment, erased=False)
    attachment.content = open_attachment_data(customer_id, attachment)
    return attachment


def database_url() -> str:
    """The URL of the test database, for processes started by a test."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return (f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@"
                f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}")
    return f"sqlite:///{s['NAME']}"


def server_env(**extra: str) -> dict:
    """The environment for a `trustdesk serve` started by a test: the test database and
    data directory (so the same keys), nothing else of TrustDesk's from the outside."""
    import os

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # No embedded worker unless a test asks: its schedules would write to the trail
    # that the test is reading. No embedded SMTP listener either: every test server
    # would take the same port (2525) and mail into the test database.
    env.update(DJANGO_SETTINGS_MODULE="trustdesk.config.settings",
               TRUSTDESK_DATA_DIR=str(settings.DATA_DIR), TRUSTDESK_DATABASE_URL=database_url(),
               TRUSTDESK_EMBEDDED_WORKER="off", TRUSTDESK_SMTPD_IN_SERVE="off")
    env.update(extra)
    return env


def start_server(env: dict):
    """Start `trustdesk serve` on a free port; returns (process, base URL) once it answers
    /healthz. Terminate it in a ``finally``."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import tempfile

    # Output to a file: a pipe nobody reads fills up (a log line per request) and then
    # stops the server mid-write.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server holds it)
    proc = subprocess.Popen([sys.executable, "-m", "trustdesk.config.cli", "serve", "--port",
                             str(port), "--no-migrate"], env=env, stdout=subprocess.DEVNULL,
                            stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    log.seek(0)
    raise AssertionError(log.read().decode(errors="replace")[-4000:])


def record_event(actor, *, at=None, **kwargs):
    """An audit event recorded as ``actor`` in a transaction of its own, at ``at`` (an
    aware datetime) when given: the clock is moved for that one write."""
    from unittest import mock

    from django.db import transaction

    from trustdesk.audit.services import record
    from trustdesk.core import clock

    with mock.patch.object(clock, "now", lambda: at) if at is not None \
            else contextlib.nullcontext(), transaction.atomic():
        return record(actor=actor, **kwargs)


def agent_actor(label: str = "someone@example.com"):
    """A plain agent actor with no account behind it, for events tests plant."""
    from trustdesk.core.actor import Actor

    return Actor(kind="agent", label=label, user_id=None, role="agent", ip="203.0.113.7")
