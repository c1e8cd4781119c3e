"""Accepted mail is queued durably before ``250``, proven with real crashes: a
``trustdesk smtpd`` process on the test database takes mail from several clients at once
and is killed (SIGKILL) at random moments, then started again. Every message that heard
``250`` is stored, sealed, readable and queued with exactly one intake job; nothing is
half-stored (no message without its job, no job without its message); a message whose
answer was lost to the crash and which the client sent again becomes one ticket, not two.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from helpers import server_env
from mailgateway import mailkit
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import sealing
from trustdesk.mailgateway.models import InboundMail, Route
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
SUPPORT = f"support@{mailkit.COMPANY}"
SENDERS = [f"{name}@{mailkit.SENDER_DOMAIN}" for name in ("ada", "bob", "cleo", "dan")]
KILLS = 3
State = InboundMail.State
# The header the gateway puts on top of what it stores (folded lines included).
STAMP = re.compile(rb"Authentication-Results: [^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Smtpd:
    """``trustdesk smtpd`` on the test database, started again after each kill."""

    def __init__(self, env: dict):
        self.env, self.port = env, _free_port()
        self.logs = Path(tempfile.mkdtemp(prefix="trustdesk-smtpd-"))
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> None:
        self.runs += 1
        out = self.logs / f"run{self.runs}.log"
        # Output to a file: a pipe nobody reads would stop the listener mid-write.
        with open(out, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "trustdesk.config.cli", "smtpd", "--host",
                 "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b"SMTP listener on 127.0.0.1:" in out.read_bytes():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError(f"smtpd did not start: {self.log()}")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.logs.glob("*.log")))


@dataclasses.dataclass
class Tally:
    """What the clients saw, per Message-ID."""

    sent: dict[str, bytes] = dataclasses.field(default_factory=dict)  # msgid → raw
    accepted: dict[str, str] = dataclasses.field(default_factory=dict)  # msgid → queue id
    unanswered: set[str] = dataclasses.field(default_factory=set)  # DATA sent, no answer
    refused: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)
    retries: int = 0
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


def _message_id(raw: bytes) -> str:
    return re.search(rb"^Message-ID: <([^>]+)>", raw, re.M | re.I).group(1).decode()


def _client(port: int, sender: str, tally: Tally, stop: threading.Event) -> None:
    """A sending server: each message is sent until it hears an answer, the same bytes
    again after a connection that died — as a real MTA retries from its queue."""
    raw = None
    while not stop.is_set():
        if raw is None:
            raw = mailkit.message(sender=sender, to=SUPPORT, name=sender.split("@")[0],
                                  body=f"Message {len(tally.sent)} from {sender}.",
                                  sign_domain=mailkit.SENDER_DOMAIN)
        msgid, in_data, smtp = _message_id(raw), False, None
        try:
            smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="mx.customer.test",
                                timeout=20)
            smtp.ehlo("mx.customer.test")
            code, text = smtp.mail(sender)
            if code == 250:
                code, text = smtp.rcpt(SUPPORT)
            if code != 250:
                raise smtplib.SMTPResponseException(code, text)
            with tally.lock:
                tally.sent[msgid] = raw
            in_data = True
            code, text = smtp.data(raw)
        except smtplib.SMTPResponseException as exc:  # refused before DATA: try again
            with tally.lock:
                tally.refused.append((msgid, exc.smtp_code, exc.smtp_error.decode()))
            time.sleep(0.05)
            continue
        except (OSError, smtplib.SMTPException):
            # The listener is down (refused), or died while we spoke: if DATA went out,
            # whether it was stored is unknown, and the same message goes again.
            if in_data:
                with tally.lock:
                    tally.unanswered.add(msgid)
                    tally.retries += 1
            time.sleep(0.05)
            continue
        finally:
            if smtp is not None:
                smtp.close()  # no QUIT: the answer to DATA is all that counts
        with tally.lock:
            if code == 250:
                tally.accepted[msgid] = text.decode().rsplit(" ", 1)[-1]
            else:
                tally.refused.append((msgid, code, text.decode()))
        if code == 250:
            raw = None
        else:
            time.sleep(0.05)


@pytest.fixture
def smtpd(db):
    zone = mailkit.zone()
    Route.objects.create(address=SUPPORT, name="Acme Support")
    many = "100000"
    listener = Smtpd(server_env(
        TRUSTDESK_DNS_NAMESERVERS=f"127.0.0.1:{zone.port}", TRUSTDESK_GREYLIST_DELAY="0",
        TRUSTDESK_SMTPD_HOSTNAME="mx.acme.test", TRUSTDESK_SMTPD_RATE_PER_IP=many,
        TRUSTDESK_SMTPD_RATE_PER_SENDER_DOMAIN=many, TRUSTDESK_SMTPD_RATE_PER_RECIPIENT=many,
        TRUSTDESK_SMTPD_MAX_CONNECTIONS_PER_IP="50"))
    listener.start()
    yield listener
    listener.stop()
    zone.stop()


def _intake_jobs():
    return DBTaskResult.objects.filter(task_path__endswith="mail_intake")


def test_a_killed_listener_never_loses_an_accepted_message(smtpd):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    tally, stop = Tally(), threading.Event()
    clients = [threading.Thread(target=_client, args=(smtpd.port, s, tally, stop), daemon=True)
               for s in SENDERS]
    for client in clients:
        client.start()
    for _ in range(KILLS):
        # Kill at a random moment once mail is flowing, in mid-session for some clients.
        before = len(tally.accepted)
        deadline = time.monotonic() + 20
        while len(tally.accepted) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.1, 1.0))
        smtpd.kill()
        time.sleep(rng.uniform(0.0, 0.3))  # clients meet a closed port meanwhile
        smtpd.start()
    before = len(tally.accepted)
    deadline = time.monotonic() + 20
    while len(tally.accepted) < before + len(SENDERS) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for client in clients:
        client.join(30)
    smtpd.stop()

    report = (f"seed {seed}: {len(tally.sent)} sent, {len(tally.accepted)} got 250, "
              f"{KILLS} kills, {len(tally.unanswered)} unanswered ({tally.retries} retries)")
    print(report)
    assert not any(code >= 500 for _, code, _ in tally.refused), tally.refused
    assert len(tally.accepted) >= 10 * KILLS, report + "\n" + smtpd.log()

    # Every 250 is stored, queued, its sealed bytes exactly what was sent (under the
    # gateway's Authentication-Results), with exactly one intake job.
    stored = {str(m.uid): m for m in InboundMail.objects.all()}
    jobs: dict[int, int] = {}
    for job in _intake_jobs():
        (mail_pk,) = job.args_kwargs["args"]
        jobs[mail_pk] = jobs.get(mail_pk, 0) + 1
        assert job.status == "READY", job.status
    for msgid, uid in tally.accepted.items():
        mail = stored.get(uid)
        assert mail is not None, f"{msgid} heard 250 as {uid} but is not stored; {report}"
        assert mail.state == State.QUEUED
        opened = sealing.open_raw(mail)
        stamp = STAMP.match(opened)
        assert stamp is not None and opened[stamp.end():] == tally.sent[msgid]
        assert jobs.get(mail.pk) == 1, f"{uid} has {jobs.get(mail.pk, 0)} intake jobs"
    # Nothing half-stored: a job for every row, a row for every job.
    assert set(jobs) == {m.pk for m in stored.values()}
    assert all(count == 1 for count in jobs.values())
    # What is stored beyond the 250s is only mail whose answer the crash swallowed.
    extra = [m for m in stored.values() if str(m.uid) not in set(tally.accepted.values())]
    extra_ids = {_message_id(sealing.open_raw(m)) for m in extra}
    assert extra_ids <= tally.unanswered, extra_ids - tally.unanswered
    print(f"{len(stored)} stored: {len(tally.accepted)} answered 250, {len(extra)} whose "
          "250 was lost")

    # Intake turns each message into one ticket; a copy resent after a lost 250 is set
    # aside as a duplicate, not a second ticket.
    run_pending()
    states = list(InboundMail.objects.values_list("state", "reason"))
    delivered = sum(1 for state, _ in states if state == State.DELIVERED)
    duplicates = sum(1 for state, reason in states
                     if state == State.IGNORED and reason == "duplicate")
    assert delivered + duplicates == len(stored), states
    message_ids = set(tally.accepted) | extra_ids
    assert Ticket.objects.count() == delivered == len(message_ids)
    assert not _intake_jobs().exclude(status="SUCCESSFUL").exists()
    print(f"{Ticket.objects.count()} tickets, {duplicates} duplicates set aside")
