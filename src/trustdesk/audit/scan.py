"""The pass over the chain that ``verify`` makes, optionally split across processes.

Each link is checked against the *stored* hash of the link before it, so the chain can be
checked in independent ranges: together the ranges check every adjacent pair, and the
signed checkpoints and the witness pin the stored hashes down. A range's worker opens its
own database connection (forked after the parent closed its own) and reports findings by
position; ``verify`` keeps the lowest.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, connections, transaction

from trustdesk.audit import sql
from trustdesk.vault import signing

_CHUNK = 5000
# Below this many positions a second process costs more than it saves.
PARALLEL_MIN = 200_000


@dataclass
class Partial:
    findings: list[tuple[int, str]] = field(default_factory=list)
    checked: int = 0
    last_seq: int = 0
    last_hash: str | None = None
    witnessed_hash: str | None = None

    def fail(self, seq: int, problem: str) -> None:
        if len(self.findings) < 10:  # the first ones name the position; enough
            self.findings.append((seq, problem))


def _select(constraint: bool) -> str:
    return ("SELECT l.seq, l.hash, l.event_id, e.body, e.mac, "  # noqa: S608 (fixed names)
            f"{sql.consistent(connection.vendor, constraint=constraint)} "
            "FROM audit_auditchainlink l "
            "LEFT JOIN audit_auditevent e ON e.id = l.event_id "
            "WHERE l.seq > %s AND l.seq <= %s ORDER BY l.seq")


def scan_range(lo: int, hi: int, prev_hash: str | None, checkpoints: dict[int, str],
               witnessed_seq: int | None, constraint: bool = False) -> Partial:
    """Check positions lo+1 .. hi. ``prev_hash`` is the hash at ``lo`` (None: unknown —
    the first link's predecessor is then not checked here). The common case, a
    consistent body whose MAC and link hash check out, costs a few C calls per event:
    this loop is what bounds ``audit verify`` at a million events."""
    out, prev_seq = Partial(last_seq=lo, last_hash=prev_hash), lo
    key = signing.mac_key()
    with _cursor() as cur:
        cur.execute(_select(constraint), [lo, hi])
        prev_seq, prev_hash = _check(cur, out, key, prev_seq, prev_hash, checkpoints,
                                     witnessed_seq)
    out.last_seq, out.last_hash = prev_seq, prev_hash
    return out


@contextlib.contextmanager
def _cursor():
    """A cursor that streams the rows. PostgreSQL: a named cursor in a transaction (not
    WITH HOLD, which would first copy the whole result), in binary so the bodies arrive
    as bytes rather than hex text. SQLite: a plain cursor and no transaction, which
    would take the write lock and stall every audited request for the whole scan."""
    if connection.vendor != "postgresql":
        with connection.chunked_cursor() as cur:
            yield cur
        return
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="trustdesk_audit_verify", binary=True) as cur:
            yield cur


def _check(cur, out: Partial, key: bytes, prev_seq: int, prev_hash: str | None,
           checkpoints: dict[int, str], witnessed_seq: int | None) -> tuple[int, str | None]:
    digest, sha256 = hmac.digest, hashlib.sha256
    while rows := cur.fetchmany(_CHUNK):
        legacy = {}
        for seq, link_hash, event_id, body, mac, consistent in rows:
            if seq != prev_seq + 1:
                out.fail(prev_seq + 1, f"positions {prev_seq + 1} to {seq - 1} are "
                         "missing (deleted)")
            try:
                fine = consistent and digest(key, body, "sha256").hex() == mac
            except TypeError:  # a body rewritten as text; event_problem says so
                fine = False
            if not fine:
                problem = sql.event_problem(key, body, mac, consistent)
                if problem == "legacy":
                    legacy[event_id] = seq
                elif problem:
                    out.fail(seq, f"the event at position {seq} (id {event_id}) "
                             + ("was deleted" if problem == "deleted"
                                else "was modified or inserted"))
            if prev_hash is not None and mac is not None and \
                    sha256(f"{prev_hash}{mac}".encode()).hexdigest() != link_hash:
                out.fail(seq, f"the chain breaks at position {seq} (events "
                         "reordered or replaced)")
            if seq in checkpoints and checkpoints[seq] != link_hash:
                out.fail(seq, f"position {seq} does not match its signed checkpoint")
            if seq == witnessed_seq:
                out.witnessed_hash = link_hash
            prev_seq, prev_hash = seq, link_hash
        out.checked += len(rows)
        for event_id in sql.legacy_mismatches(list(legacy)) if legacy else ():
            out.fail(legacy[event_id], f"the event at position {legacy[event_id]} "
                     f"(id {event_id}) was modified or inserted")
    return prev_seq, prev_hash


def _stored_hash(seq: int) -> str | None:
    with connection.cursor() as cur:
        cur.execute("SELECT hash FROM audit_auditchainlink WHERE seq = %s", [seq])
        row = cur.fetchone()
    return row[0] if row else None


def _worker(lo: int, hi: int, checkpoints: dict[int, str], witnessed_seq: int | None,
            constraint: bool, closing: bool) -> Partial:
    out = scan_range(lo, hi, _stored_hash(lo), checkpoints, witnessed_seq, constraint)
    if closing and out.last_seq < hi:  # the next range starts at hi: nothing may be missing
        out.fail(out.last_seq + 1, f"positions {out.last_seq + 1} to {hi} are missing "
                 "(deleted)")
    connection.close()
    return out


def scan(lo: int, prev_hash: str | None, hi: int, checkpoints: dict[int, str],
         witnessed_seq: int | None, workers: int = 1,
         constraint: bool = False) -> list[Partial]:
    """Positions lo+1 .. hi, in ``workers`` processes when the span is worth it.
    ``constraint``: the database's CHECK vouches that columns agree with bodies."""
    if workers <= 1 or hi - lo < PARALLEL_MIN:
        return [scan_range(lo, hi, prev_hash, checkpoints, witnessed_seq, constraint)]
    step = -(-(hi - lo) // workers)
    bounds = [(start, min(start + step, hi)) for start in range(lo, hi, step)]
    connections.close_all()  # a forked child must open its own connection
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(bounds), mp_context=context) as pool:
        later = [pool.submit(_worker, a, b, checkpoints, witnessed_seq, constraint, b < hi)
                 for a, b in bounds[1:]]
        first = scan_range(bounds[0][0], bounds[0][1], prev_hash, checkpoints,
                           witnessed_seq, constraint)
        if bounds[0][1] < hi and first.last_seq < bounds[0][1]:
            first.fail(first.last_seq + 1, f"positions {first.last_seq + 1} to "
                       f"{bounds[0][1]} are missing (deleted)")
        return [first, *(f.result() for f in later)]
