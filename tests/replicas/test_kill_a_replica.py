"""Mixed traffic against three app replicas while one is killed (SIGKILL, with its
server's children) and started again. A client that cannot reach a replica goes to the
next one, as a load balancer would.

Proves: no 5xx at all; the only failed requests are those to the killed replica while it
was down; no audit event lost or left unchained, and the trail verifies afterwards.
60 seconds in the suite (its PostgreSQL run); ``make soak`` runs 5 minutes
(``SOAK_SECONDS``)."""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
import urllib.error

import pytest

from trustdesk.accounts import services as accounts
from trustdesk.audit import verify
from trustdesk.audit.models import AuditEvent, AuditPending
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Message

from .cluster import Cluster, request

# Replicas share a PostgreSQL server in production; SQLite is the one-server default.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
CLIENTS = 6


def _mix(rng: random.Random, customers, ticket_ids) -> tuple[str, str, dict | None]:
    roll = rng.random()
    if roll < 0.5:
        return "customer", f"/api/v1/customers/{rng.choice(customers)}", None
    if roll < 0.7:
        return "ticket", f"/api/v1/tickets/{rng.choice(ticket_ids)}", None
    if roll < 0.8:
        return "list", "/api/v1/tickets?page_size=25", None
    if roll < 0.9:
        return "customers", "/api/v1/customers?page_size=25", None
    return "reply", f"/api/v1/tickets/{rng.choice(ticket_ids)}/messages", {
        "body": "Thanks, we are looking into it.", "direction": "note"}


def test_killing_a_replica_under_load_loses_nothing(make_user, make_customer, system):
    supervisor = make_user("supervisor")
    token = accounts.token_create(actor=system, user=supervisor, name="soak").secret
    customers = [make_customer() for _ in range(10)]
    ticket_ids = [tickets.ticket_create(actor=system, customer_id=c.id, subject="Soak",
                                        body="Where is my order?").pk for c in customers]
    cluster = Cluster(apps=3, workers=2).start()
    victim = cluster.apps[1]
    down = threading.Event()
    stop = threading.Event()
    lock = threading.Lock()
    ok: dict[str, int] = dict.fromkeys(("customer", "ticket", "list", "customers", "reply"), 0)
    problems: list[tuple] = []
    lost: list[tuple] = []  # requests that reached the victim and got no answer
    killed_at = [0.0]
    refused = [0]
    messages_before = Message.objects.count()
    events = ("customer.view", "ticket.view", "ticket.list", "customer.list")
    before = {a: AuditEvent.objects.filter(action=a).count() for a in events}

    def client(n: int) -> None:
        rng = random.Random(n)
        order = itertools.cycle(range(len(cluster.apps)))
        while not stop.is_set():
            kind, path, body = _mix(rng, [c.id for c in customers], ticket_ids)
            for _ in range(len(cluster.apps)):
                replica = cluster.apps[next(order)]
                try:
                    status, _ = request(replica.base, path, token=token,
                                        method="POST" if body else "GET", body=body)
                except (urllib.error.URLError, ConnectionError, OSError) as exc:
                    reason = getattr(exc, "reason", exc)
                    with lock:
                        if replica is victim and down.is_set():
                            # Refused: it never reached a server. Otherwise it was in
                            # flight when the replica died.
                            if not isinstance(reason, ConnectionRefusedError):
                                lost.append((kind, type(reason).__name__,
                                                 time.monotonic() - killed_at[0]))
                            refused[0] += 1
                        else:
                            problems.append((replica.name, kind, repr(exc)))
                    continue  # the balancer tries the next replica
                with lock:
                    if status in (200, 201):
                        ok[kind] += 1
                    else:
                        problems.append((replica.name, kind, status))
                break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        time.sleep(SECONDS / 3)
        down.set()
        killed_at[0] = time.monotonic()
        victim.kill()
        time.sleep(5)
        victim.start()
        down.clear()
        time.sleep(max(0.0, SECONDS - (time.monotonic() - started)))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        cluster.stop()
    elapsed = time.monotonic() - started
    total = sum(ok.values())
    print(f"\nsoak: {elapsed:.0f} s, {total} answered ({total / elapsed:.0f}/s), {ok}, "
          f"{refused[0]} refused by the killed replica, {len(lost)} in flight when it died")
    assert not problems, problems[:20]
    assert total > 100 and ok["reply"] > 0 and ok["customer"] > 0
    # Lost means in flight, or waiting in the dying server's accept queue, when it was
    # killed: so right at the kill. One client can meet both (its request reset, then its
    # next connection accepted into the queue a moment before the socket closed), so the
    # bound is on when, not on how many. A loss later, during the restart, would be a
    # replica accepting before it can answer.
    assert all(after < 2.0 for *_, after in lost), lost
    # A request the victim had not answered when it died may or may not have committed;
    # every answered one did, with its audit event.
    wrote = {a: AuditEvent.objects.filter(action=a).count() - before[a] for a in events}
    replies = Message.objects.count() - messages_before
    slack = len(lost)
    # A ticket view records the ticket's and its customer's view.
    expected = {"customer.view": ok["customer"] + ok["ticket"], "ticket.view": ok["ticket"],
                "ticket.list": ok["list"], "customer.list": ok["customers"]}
    for action, answered in expected.items():
        assert answered <= wrote[action] <= answered + slack, (action, answered, wrote)
    assert ok["reply"] <= replies <= ok["reply"] + slack
    # Nothing left unchained (the workers were stopped: chain what they left), and whole.
    verify.verify(chain_first=True, save=False)
    assert not AuditPending.objects.exists()
    result = verify.verify(chain_first=False, save=False)
    assert result.ok, result
