"""The mail benchmark's pipe: SMTP to ticket, end to end, on the embedded default.

A real ``Listener`` on a local port (SQLite in a throw-away data directory, one support
address, greylisting off, rate limits out of the way, every DNS lookup through the
configured resolver to a local DNS server answering the test domains), ``trustdesk
worker`` processes running the intake jobs as they are queued, and SMTP clients in a
process of their own (a few concurrent sessions, as a sending MTA opens them, each
reconnecting every ``PER_SESSION`` messages), all on the same machine. Timed from the
first MAIL FROM to the moment every accepted message is delivered, ignored or
suspended; a message refused at SMTP is settled by its refusal.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import smtplib
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import _mail_corpus as corpus

ROOT = Path(__file__).resolve().parent.parent
SPAWN = mp.get_context("spawn")
PER_SESSION = 20
FINAL = ("delivered", "ignored", "suspended", "failed")


def _env(data_dir: str, dns_port: int, clients: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")}
    env.update(
        DJANGO_SETTINGS_MODULE="trustdesk.config.settings", TRUSTDESK_DATA_DIR=data_dir,
        TRUSTDESK_EMBEDDED_WORKER="off", TRUSTDESK_GREYLIST_DELAY="0",
        TRUSTDESK_SMTPD_HOSTNAME=f"mx.{corpus.COMPANY}",
        TRUSTDESK_DNS_NAMESERVERS=f"127.0.0.1:{dns_port}",
        # One client address sends everything here: the per-sender limits would defer it.
        TRUSTDESK_SMTPD_RATE_PER_IP="1000000", TRUSTDESK_SMTPD_RATE_PER_SENDER_DOMAIN="1000000",
        TRUSTDESK_SMTPD_RATE_PER_RECIPIENT="1000000",
        TRUSTDESK_SMTPD_MAX_CONNECTIONS_PER_IP=str(clients + 5),
        PYTHONPATH=str(ROOT / "src"))
    return env


def _dns(table: dict, port: int):
    sys.path.insert(0, str(ROOT / "tests"))
    from mailgateway.dnsserver import LocalDns

    server = LocalDns(corpus.presentation(table))
    server.sock.close()  # LocalDns takes any free port; this run's ports are given
    server.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.sock.bind(("127.0.0.1", port))
    server.port = port
    return server.start()


def _send_all(port: int, mails: list, clients: int) -> list[tuple]:
    """(kind, SMTP code, start, end, tries) per message, sent by ``clients`` threads."""
    todo: queue.Queue = queue.Queue()
    for mail in mails:
        todo.put(mail)
    results, errors = [], []

    def client() -> None:
        smtp, sent = None, 0
        try:
            while True:
                try:
                    raw, mail_from, helo, kind = todo.get_nowait()
                except queue.Empty:
                    break
                if smtp is None or sent >= PER_SESSION:
                    if smtp is not None:
                        smtp.quit()
                    smtp, sent = smtplib.SMTP("127.0.0.1", port, local_hostname=helo,
                                              timeout=60), 0
                    smtp.ehlo(helo)
                start, tries = time.perf_counter(), 0
                while True:
                    tries += 1
                    code = _transaction(smtp, raw, mail_from)
                    sent += 1
                    if not 400 <= code < 500 or tries == 5:
                        break
                    time.sleep(0.2)  # a deferral: retry, as a sending MTA would
                results.append((kind, code, start, time.perf_counter(), tries))
            if smtp is not None:
                smtp.quit()
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("an SMTP client failed:\n" + errors[0])
    return results


def _transaction(smtp: smtplib.SMTP, raw: bytes, mail_from: str) -> int:
    code, _ = smtp.mail(mail_from)
    if code < 400:
        code, _ = smtp.rcpt(corpus.SUPPORT)
    if code < 400:
        code, _ = smtp.data(raw)
    if code >= 400:
        smtp.rset()
    return code


def _client_process(port: int, mails: list, clients: int, go, out) -> None:
    try:
        out.put(("ready", None))
        go.wait()
        out.put(("ok", _send_all(port, mails, clients)))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _wait_final(expected: int, after_id: int = 0, seconds: float = 900) -> float:
    from django.db import connection

    from trustdesk.mailgateway.models import InboundMail

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if InboundMail.objects.filter(id__gt=after_id, state__in=FINAL).count() >= expected:
            return time.perf_counter()
        connection.close()  # let the SQLite writers through between looks
        time.sleep(0.05)
    raise RuntimeError(f"the pipe did not settle {expected} messages in {seconds} s")


def pipe(data_dir: str, mails: list, warmup: list, table: dict, clients: int,
         intake_workers: int, smtp_port: int, dns_port: int) -> dict:
    env = _env(data_dir, dns_port, clients)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    dns = _dns(table, dns_port)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from trustdesk.accounts import services as accounts
    from trustdesk.core.actor import Actor
    from trustdesk.jobs.models import WorkerBeat
    from trustdesk.mailgateway import routes
    from trustdesk.mailgateway.listener import Listener
    from trustdesk.mailgateway.models import InboundMail
    from trustdesk.tickets.models import Ticket

    system = Actor.system("bench")
    team = accounts.team_create(actor=system, name="Support")
    routes.route_create(actor=system, address=corpus.SUPPORT, name="Acme Support",
                        team_id=team.id, dkim=False)
    # What the listener logs per refused message (INFO) is not this benchmark's output.
    logging.getLogger("trustdesk.mailgateway").setLevel(logging.WARNING)
    listener = Listener("127.0.0.1", smtp_port).start()
    names = [f"bench-intake-{i}" for i in range(intake_workers)]
    workers = [subprocess.Popen(
        [sys.executable, "-m", "trustdesk.config.cli", "worker", "--interval", "0.05",
         "--no-schedules", "--worker-id", name], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for name in names]
    try:
        deadline = time.monotonic() + 60
        while WorkerBeat.objects.filter(pk__in=names).count() < len(names):
            if any(w.poll() is not None for w in workers) or time.monotonic() > deadline:
                raise RuntimeError("the intake workers did not start")
            time.sleep(0.1)
        # Warm the listener, the worker and the database with messages not timed.
        warm = _send_all(smtp_port, warmup, 1)
        warm_accepted = sum(1 for r in warm if r[1] == 250)
        _wait_final(warm_accepted)
        after_id = InboundMail.objects.order_by("-id").values_list("id", flat=True).first()
        tickets_before = Ticket.objects.count()
        go, out = SPAWN.Event(), SPAWN.Queue()
        proc = SPAWN.Process(target=_client_process,
                             args=(smtp_port, mails, clients, go, out))
        proc.start()
        assert out.get(timeout=60)[0] == "ready"
        go.set()
        status, results = out.get(timeout=900)
        proc.join()
        if status != "ok":
            raise RuntimeError(results)
        accepted = sum(1 for r in results if r[1] == 250)
        done = _wait_final(accepted, after_id or 0)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        listener.stop()
        dns.stop()
    start = min(r[2] for r in results)
    smtp_end = max(r[3] for r in results)
    codes = Counter(r[1] for r in results)
    states = Counter(InboundMail.objects.filter(id__gt=after_id or 0)
                     .values_list("state", flat=True))
    if set(codes) - {250, 550} or states.get("failed"):
        raise RuntimeError(f"unexpected outcomes: SMTP {dict(codes)}, states {dict(states)}")
    by_kind: dict[str, Counter] = {}
    for kind, code, *_ in results:
        by_kind.setdefault(kind, Counter())[code] += 1
    return {
        "messages": len(results), "clients": clients, "intake_workers": intake_workers,
        "wall_s": round(done - start, 3),
        "msgs_per_s": round(len(results) / (done - start), 2),
        "smtp_msgs_per_s": round(len(results) / (smtp_end - start), 2),
        "smtp_latencies_ms": [(r[3] - r[2]) * 1000 for r in results],
        "smtp_codes": {str(k): v for k, v in sorted(codes.items())},
        "retried": sum(1 for r in results if r[4] > 1),
        "states": {k: v for k, v in sorted(states.items()) if v},
        "tickets": Ticket.objects.count() - tickets_before,
        "smtp_codes_by_kind": {k: {str(c): n for c, n in v.items()}
                               for k, v in sorted(by_kind.items())},
    }
