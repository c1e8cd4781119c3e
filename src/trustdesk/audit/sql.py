"""SQL that renders an event's indexed columns the way ``canonical.body`` writes its head,
so the database can tell, row by row and without parsing JSON, whether the columns still
agree with the body (the record the MAC covers).

``consistent(vendor)`` is a boolean column expression over ``audit_auditevent e``: true
when they agree, false when a column was edited, NULL for a version-1 body (a JSON array,
checked in Python by ``canonical.legacy_index``). Names are fixed, never input.
"""

from __future__ import annotations

from django.db import connection, transaction

from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent

_TAB = {"postgresql": "E'\\t'", "sqlite": "char(9)"}
_AT = {
    "postgresql": "to_char({a}at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
    # Django stores '2026-01-02 03:04:05.678901', dropping the fraction when it is zero.
    "sqlite": "(CASE WHEN length({a}at) = 19 THEN {a}at || '.000000' ELSE {a}at END)",
}
_USER = {"postgresql": "coalesce({a}actor_user_id::text, '')",
         "sqlite": "coalesce(CAST({a}actor_user_id AS TEXT), '')"}


def _head(vendor: str, alias: str = "e.") -> str:
    tab = _TAB[vendor]
    parts = [f"'{canonical.VERSION}'"]
    for column in canonical.INDEXED:
        template = {"at": _AT, "actor_user_id": _USER}.get(column, {}).get(vendor,
                                                                         "{a}" + column)
        parts.append(template.format(a=alias))
    return f" || {tab} || ".join(parts) + f" || {tab}"


# On PostgreSQL the same comparison is also a CHECK constraint, so the database refuses
# any row — inserted or updated, by anyone — whose columns disagree with its body.
CONSTRAINT = "audit_event_body_matches_columns"


def body_check() -> str:
    """The CHECK expression (PostgreSQL; version-1 bodies are checked by the verifier)."""
    return ("(substring(body FROM 1 FOR 1) = '\\x5b'::bytea OR "
            f"position(convert_to({_head('postgresql', '')}, 'UTF8') IN body) = 1)")


def constraint_intact() -> bool:
    """Whether the CHECK is in place, validated, and exactly TrustDesk's: then every row
    satisfies it and ``verify`` need not compare columns row by row. (Dropped, altered or
    re-added NOT VALID, it no longer vouches for the rows.) The expected definition comes
    from the server itself, by adding the constraint to a throw-away table."""
    if connection.vendor != "postgresql":
        return False  # SQLite can switch CHECK constraints off (ignore_check_constraints)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                    "WHERE conrelid = 'audit_auditevent'::regclass AND conname = %s",
                    [CONSTRAINT])
        found = cur.fetchone()
        if not found or not found[1]:
            return False
        probe = transaction.savepoint()
        cur.execute("CREATE TEMP TABLE trustdesk_audit_probe (LIKE audit_auditevent)")
        cur.execute("ALTER TABLE trustdesk_audit_probe ADD CONSTRAINT probe "
                    f"CHECK {body_check()}")
        cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                    "'trustdesk_audit_probe'::regclass AND conname = 'probe'")
        expected = cur.fetchone()[0]
        transaction.savepoint_rollback(probe)
    return found[0] == expected


def consistent(vendor: str, *, constraint: bool = False) -> str:
    """See the module's docstring. ``constraint``: an intact CHECK already vouches for
    every version-2 row."""
    if vendor == "postgresql" and constraint:
        return ("CASE WHEN substring(e.body FROM 1 FOR 1) = '\\x5b'::bytea THEN NULL "
                "ELSE true END")
    if vendor == "postgresql":
        return ("CASE WHEN substring(e.body FROM 1 FOR 1) = '\\x5b'::bytea THEN NULL "
                f"ELSE position(convert_to({_head(vendor)}, 'UTF8') IN e.body) = 1 END")
    return (f"CASE WHEN substr(e.body, 1, 1) = X'5B' THEN NULL "
            f"ELSE instr(e.body, CAST({_head(vendor)} AS BLOB)) = 1 END")


def event_problem(key: bytes, body, mac: str | None, consistent) -> str | None:
    """What is wrong with one event row, if anything: "deleted", "modified", or
    "legacy" (a version-1 body whose columns ``legacy_mismatches`` must check)."""
    if body is None:
        return "deleted"
    if consistent is False or consistent == 0:
        return "modified"
    try:
        if canonical.mac(key, bytes(body)) != mac:
            return "modified"
    except TypeError:  # a body rewritten as text
        return "modified"
    return "legacy" if consistent is None else None


def legacy_mismatches(event_ids: list[int]) -> set[int]:
    """Those of these version-1 events whose columns disagree with their body."""
    bad = set()
    for event in AuditEvent.objects.filter(pk__in=event_ids):
        try:
            expected = canonical.legacy_index(bytes(event.body))
        except (ValueError, TypeError):
            bad.add(event.pk)
            continue
        actual = {c: getattr(event, c) for c in canonical.INDEXED}
        actual["at"] = canonical.at_text(event.at)
        if actual != expected:
            bad.add(event.pk)
    return bad
