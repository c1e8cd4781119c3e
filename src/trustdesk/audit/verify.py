"""``audit verify``: prove the trail is complete and unaltered, or name the first
position where it is not.

Checked, in one pass over the chain in order: every position is present once (no gaps:
deletion), every linked event exists and its MAC matches its content (modification,
insertion), every link hash follows from the previous one (reordering, replacement),
every signed checkpoint matches the chain and carries a valid signature, the chain
reaches the witnessed head (truncation of the tail, even after the last checkpoint), and
no event sits outside the chain.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from django.db import connection

from trustdesk.audit import canonical, chain, scan, sql, witness
from trustdesk.audit.models import AuditCheckpoint, AuditVerification
from trustdesk.core import clock
from trustdesk.vault import signing

_UNCHAINED = (
    "SELECT e.id FROM audit_auditevent e LEFT JOIN audit_auditchainlink l "
    "ON l.event_id = e.id LEFT JOIN audit_auditpending p ON p.event_id = e.id "
    "WHERE l.seq IS NULL AND p.event_id IS NULL ORDER BY e.id LIMIT 1"
)


@dataclass
class Result:
    ok: bool
    checked: int
    last_seq: int
    first_bad_seq: int | None = None
    problem: str = ""
    seconds: float = 0.0
    # How columns were checked against bodies: "constraint" (PostgreSQL's CHECK is
    # intact, so every row satisfies it) or "rows" (compared row by row).
    columns: str = "rows"

    def fail(self, seq: int | None, problem: str) -> Result:
        # Keep the finding at the lowest position: it names the first bad one.
        if self.ok or (seq is not None and (self.first_bad_seq is None
                                             or seq < self.first_bad_seq)):
            self.ok, self.first_bad_seq, self.problem = False, seq, problem
        return self


def _checkpoints(result: Result) -> dict[int, AuditCheckpoint]:
    found = {}
    for cp in AuditCheckpoint.objects.order_by("seq"):
        message = canonical.checkpoint_message(cp.seq, cp.hash, cp.at)
        try:
            valid = signing.signature_valid(message, base64.b64decode(cp.signature))
        except ValueError:
            valid = False
        if not valid:
            result.fail(cp.seq, f"checkpoint at {cp.seq} has an invalid signature")
        found[cp.seq] = cp
    return found


def verify(*, chain_first: bool = True, save: bool = True, workers: int = 1) -> Result:
    """Check the whole trail. ``workers`` > 1 splits a long chain across that many
    processes (forked: only from a process with no other threads, such as the CLI)."""
    started = time.perf_counter()
    if chain_first:
        chain.chain_pending()
    result = Result(ok=True, checked=0, last_seq=0)
    checkpoints = _checkpoints(result)
    # Where the retained chain starts: position 1, or just after the checkpoint that
    # pruning kept as the anchor of everything older.
    first = _first_seq()
    if first > 1:
        anchor = checkpoints.get(first - 1)
        if anchor is None:
            result.fail(1, f"positions 1 to {first - 1} are missing and no signed "
                        "checkpoint anchors the rest")
            prev_seq, prev_hash = first - 1, None
        else:
            prev_seq, prev_hash = anchor.seq, anchor.hash
    else:
        prev_seq, prev_hash = 0, canonical.GENESIS
    # The witness first: it only ever names positions already committed, so the scan's
    # upper bound, read after it, reaches at least as far.
    witnessed = witness.read()
    witnessed_hash = None
    constraint = sql.constraint_intact()
    result.columns = "constraint" if constraint else "rows"
    parts = scan.scan(prev_seq, prev_hash, _last_seq(),
                      {s: c.hash for s, c in checkpoints.items()},
                      witnessed.seq if witnessed else None, workers, constraint)
    for part in parts:
        result.checked += part.checked
        for seq, problem in part.findings:
            result.fail(seq, problem)
        witnessed_hash = witnessed_hash or part.witnessed_hash
        prev_seq = max(prev_seq, part.last_seq)
    result.last_seq = prev_seq
    beyond = [s for s in checkpoints if s > prev_seq]
    if beyond:
        result.fail(prev_seq + 1, f"the chain ends at {prev_seq} but a signed checkpoint "
                    f"covers position {max(beyond)} (truncated)")
    if witnessed is not None:
        if not witnessed.signature_ok:
            result.fail(None, "the witnessed head has an invalid signature")
        elif witnessed.seq > prev_seq:
            result.fail(prev_seq + 1, f"the chain ends at {prev_seq} but {witnessed.seq} "
                        "positions were witnessed (truncated)")
        elif witnessed_hash is not None and witnessed_hash != witnessed.hash:
            result.fail(witnessed.seq, f"position {witnessed.seq} differs from the "
                        "witnessed head")
    with connection.cursor() as cur:
        cur.execute(_UNCHAINED)
        stray = cur.fetchone()
    if stray:
        result.fail(None, f"event id {stray[0]} is not in the chain (inserted, or failed "
                    "its MAC when it was chained)")
    result.seconds = round(time.perf_counter() - started, 3)
    if save:
        AuditVerification.objects.create(at=clock.now(), ok=result.ok, checked=result.checked,
                                         first_bad_seq=result.first_bad_seq,
                                         problem=result.problem, seconds=result.seconds)
    return result


def _last_seq() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(seq) FROM audit_auditchainlink")
        return cur.fetchone()[0] or 0


def _first_seq() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT MIN(seq) FROM audit_auditchainlink")
        value = cur.fetchone()[0]
    return value or 1

