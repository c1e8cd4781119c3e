"""SQL that renders an event's indexed columns the way ``canonical.body`` writes its head,
so the database can tell, row by row and without parsing JSON, whether the columns still
agree with the body (the record the MAC covers).

``consistent(vendor)`` is a boolean column expression over ``audit_auditevent e``: true
when they agree, false when a column was edited, NULL for a version-1 body (a JSON array,
checked in Python by ``canonical.legacy_index``). Names are fixed, never input.
"""

from __future__ import annotations

from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent

_TAB = {"postgresql": "E'\\t'", "sqlite": "char(9)"}
_AT = {
    "postgresql": "to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
    # Django stores '2026-01-02 03:04:05.678901', dropping the fraction when it is zero.
    "sqlite": "(CASE WHEN length(e.at) = 19 THEN e.at || '.000000' ELSE e.at END)",
}
_USER = {"postgresql": "coalesce(e.actor_user_id::text, '')",
         "sqlite": "coalesce(CAST(e.actor_user_id AS TEXT), '')"}


def _head(vendor: str) -> str:
    tab = _TAB[vendor]
    parts = [f"'{canonical.VERSION}'"]
    for column in canonical.INDEXED:
        parts.append(_AT[vendor] if column == "at" else
                     _USER[vendor] if column == "actor_user_id" else f"e.{column}")
    return f" || {tab} || ".join(parts) + f" || {tab}"


def consistent(vendor: str) -> str:
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
