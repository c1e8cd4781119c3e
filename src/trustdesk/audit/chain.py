"""The chainer: links committed events into one hash chain, in the order it finds them.

Writers only insert (event + pending row) inside their own transactions, so they never
wait on each other for the chain; the chainer takes the pending events in batches under a
lock (an advisory lock on PostgreSQL, the write lock on SQLite), checks each event's MAC,
appends links, signs a checkpoint every ``AUDIT_CHECKPOINT_EVERY`` positions, and
advances the witness. ``trustdesk serve`` runs it in the background; ``audit verify``
runs it first.
"""

from __future__ import annotations

import base64
import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from trustdesk.audit import canonical, sql, witness
from trustdesk.audit.models import AuditChainLink, AuditCheckpoint, AuditPending
from trustdesk.core import clock
from trustdesk.vault import signing

log = logging.getLogger("trustdesk.audit")
_LOCK_KEY = 0x7D_A0D1_7C4A  # the advisory lock that serialises chainers on PostgreSQL
_wake = threading.Event()
_thread: threading.Thread | None = None


def head() -> tuple[int, str]:
    last = AuditChainLink.objects.order_by("-seq").values_list("seq", "hash").first()
    if last:
        return last
    first = AuditCheckpoint.objects.order_by("-seq").values_list("seq", "hash").first()
    return first or (0, canonical.GENESIS)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _pending_sql() -> str:
    return ("SELECT p.event_id, e.body, e.mac, "  # noqa: S608 (fixed names, no input)
            f"{sql.consistent(connection.vendor)} FROM audit_auditpending p "
            "LEFT JOIN audit_auditevent e ON e.id = p.event_id "
            "ORDER BY p.event_id LIMIT %s")


def _chain_batch(batch: int) -> tuple[int, int, str, list[int]]:
    """One batch in one transaction: returns (linked, seq, hash, event ids)."""
    with transaction.atomic():
        _lock()
        with connection.cursor() as cur:
            cur.execute(_pending_sql(), [batch])
            rows = cur.fetchall()
        if not rows:
            return 0, 0, "", []
        key = signing.mac_key()
        problems = {row[0]: sql.event_problem(key, *row[1:]) for row in rows}
        legacy = [i for i, problem in problems.items() if problem == "legacy"]
        bad = sql.legacy_mismatches(legacy) if legacy else set()
        seq, last = head()
        links, linked_ids = [], []
        for event_id, _body, mac, _consistent in rows:
            problem = problems[event_id]
            if problem not in (None, "legacy") or event_id in bad:
                # Never bless a row that the application did not write.
                log.critical("audit: event %s is missing or fails its MAC; not chained",
                             event_id)
                continue
            seq += 1
            last = canonical.link_hash(last, mac)
            links.append(AuditChainLink(seq=seq, event_id=event_id, hash=last))
            linked_ids.append(event_id)
            if seq % settings.AUDIT_CHECKPOINT_EVERY == 0:
                _checkpoint(seq, last, links)
        AuditChainLink.objects.bulk_create(links)
        AuditPending.objects.filter(event_id__in=[row[0] for row in rows]).delete()
        # Not len(links): a checkpoint inside the batch stores and clears the links so far.
        return len(linked_ids), seq, last, linked_ids


def _checkpoint(seq: int, hash_: str, links: list | None = None) -> AuditCheckpoint:
    if links:  # the links up to this position must exist before the checkpoint row
        AuditChainLink.objects.bulk_create(links)
        links.clear()
    at = clock.now()
    signature = signing.sign(canonical.checkpoint_message(seq, hash_, at))
    checkpoint, _ = AuditCheckpoint.objects.get_or_create(seq=seq, defaults={
        "hash": hash_, "at": at, "key_id": signing.key_id(),
        "signature": base64.b64encode(signature).decode()})
    return checkpoint


def chain_pending(batch: int = 2000) -> int:
    """Chain every pending event; returns how many were linked."""
    total = 0
    while True:
        linked, seq, last, ids = _chain_batch(batch)
        if seq:
            witness.advance(seq, last)
        if ids and settings.AUDIT_SYSLOG:
            from trustdesk.audit import export

            export.forward(ids)
        total += linked
        if not ids and not linked:
            if AuditPending.objects.exists():
                continue  # a batch of rejected rows only; go on
            return total


def checkpoint_now() -> AuditCheckpoint | None:
    """Chain what is pending and sign a checkpoint of the head."""
    chain_pending()
    with transaction.atomic():
        _lock()
        seq, last = head()
        return _checkpoint(seq, last) if seq else None


def nudge() -> None:
    _wake.set()


# After a nudge the chainer waits this long before it chains: a round costs about ten
# queries and a witness write however few events it links, so under load a round links
# what many requests appended instead of one request's event. Every event is durable from
# its own commit; only its link comes this much later.
GATHER_SECONDS = 0.2


def _run(interval: float) -> None:
    while True:
        if _wake.wait(interval):
            time.sleep(GATHER_SECONDS)
        _wake.clear()
        try:
            chain_pending()
        except Exception:  # keep the chainer alive; the next round retries
            log.exception("audit chainer failed")
        finally:
            close_old_connections()


def start_background(interval: float = 1.0) -> None:
    """Start this process's chainer thread (idempotent)."""
    global _thread
    if _thread is None or not _thread.is_alive():
        _thread = threading.Thread(target=_run, args=(interval,), name="audit-chainer",
                                   daemon=True)
        _thread.start()
