"""Tampering directly in the database — edit, delete, insert, reorder, truncate — is
caught by `audit verify`, which names the first bad position."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from trustdesk.audit import chain, sql, verify
from trustdesk.audit.models import AuditChainLink, AuditCheckpoint, AuditEvent

from .conftest import as_table_owner


def _event_at(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(pk=AuditChainLink.objects.get(seq=seq).event_id)


def _verify():
    return verify.verify(save=False)


def _edit_body(seq: int, old: bytes, new: bytes) -> None:
    event = _event_at(seq)
    body = bytes(event.body)
    assert old in body
    AuditEvent.objects.filter(pk=event.pk).update(body=body.replace(old, new))


def _forge(**extra) -> AuditEvent:
    """An event as a forger would insert it: consistent columns and body, but no key."""
    from trustdesk.audit import canonical

    row = {"at": _event_at(5).at, "actor_label": "x@example.com", "actor_user_id": None,
           "action": "customer.view", "object_type": "customer", "object_id": "c1",
           "customer": "c1", "outcome": "allowed", "uid": uuid.uuid4().hex,
           "actor_kind": "agent", "token_id": None, "fields": [], "reason": "", "ip": None,
           "user_agent": "", "session": "", "context": {}}
    return AuditEvent.objects.create(**{c: row[c] for c in canonical.INDEXED},
                                     body=canonical.body(row), mac="0" * 64, **extra)


@pytest.fixture
def chained(trail, settings):
    settings.AUDIT_CHECKPOINT_EVERY = 10
    trail(25)
    assert chain.chain_pending() == 25  # across two checkpoints inside one batch
    result = _verify()
    assert result.ok, result.problem
    assert result.checked == 25 and result.last_seq == 25
    assert AuditCheckpoint.objects.count() == 2  # at 10 and 20


def test_untouched_trail_verifies(chained):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK: 25 events verified" in out.getvalue()


def test_edited_event(chained):
    with as_table_owner():
        _edit_body(7, b'"reason":""', b'"reason":"nothing to see"')
    result = _verify()
    assert (result.ok, result.first_bad_seq) == (False, 7)
    assert "modified" in result.problem


@pytest.mark.parametrize("column,value", [
    ("actor_label", "someone-else@example.com"), ("actor_user_id", 8),
    ("actor_user_id", None), ("action", "customer.list"), ("object_type", "ticket"),
    ("object_id", "c4"), ("customer", ""), ("outcome", "denied"), ("mac", "0" * 64),
    ("at", "one microsecond later")])
def test_any_column_edit(chained, column, value):
    """Every column the console filters on is checked against the body: on PostgreSQL
    the database refuses the edit outright, and once its CHECK is dropped the verifier
    compares row by row."""
    import datetime as dt

    from django.db import IntegrityError, transaction

    event = _event_at(3)
    if value == "one microsecond later":
        value = event.at + dt.timedelta(microseconds=1)
    if connection.vendor == "postgresql" and column != "mac":
        assert _verify().columns == "constraint"
        with as_table_owner(), pytest.raises(IntegrityError, match=sql.CONSTRAINT), \
                transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(**{column: value})
    with as_table_owner(drop_check=True):
        AuditEvent.objects.filter(pk=event.pk).update(**{column: value})
    result = _verify()
    assert result.first_bad_seq == 3 and "modified" in result.problem
    assert result.columns == "rows"


@pytest.mark.parametrize("old,new", [(b'"fields":["email","full_name"]', b'"fields":["email"]'),
                                     (b'"ip":"203.0.113.9"', b'"ip":"10.0.0.1"'),
                                     (b'"n":2', b'"n":3'), (b"\tc2\t", b"\tc3\t")])
def test_any_body_edit(chained, old, new):
    with as_table_owner(drop_check=True):
        _edit_body(3, old, new)
    assert _verify().first_bad_seq == 3


def test_body_rewritten_in_sql(chained):
    # SQLite lets a column change type (the body becomes text); PostgreSQL's bytea does
    # not, so there a byte is appended.
    change = ("CAST(body AS TEXT)" if connection.vendor == "sqlite"
              else "body || '\\x20'::bytea")
    with as_table_owner(), connection.cursor() as cur:
        cur.execute(f"UPDATE audit_auditevent SET body = {change} WHERE id = %s",
                    [_event_at(6).pk])
    assert _verify().first_bad_seq == 6


def test_deleted_event(chained):
    with as_table_owner():
        AuditEvent.objects.filter(pk=_event_at(12).pk).delete()
    result = _verify()
    assert result.first_bad_seq == 12 and "deleted" in result.problem


def test_deleted_event_and_link(chained):
    with as_table_owner():
        AuditEvent.objects.filter(pk=_event_at(12).pk).delete()
        AuditChainLink.objects.filter(seq=12).delete()
    result = _verify()
    assert result.first_bad_seq == 12 and "missing" in result.problem


def test_inserted_event_in_the_chain(chained):
    with as_table_owner():
        fake = _forge()
        # Shift positions 5.. up by one and put the forgery at 5, as an insert would.
        for link in AuditChainLink.objects.filter(seq__gte=5).order_by("-seq"):
            AuditChainLink.objects.filter(seq=link.seq).update(seq=link.seq + 1)
        AuditChainLink.objects.create(seq=5, event_id=fake.pk, hash="f" * 64)
    assert _verify().first_bad_seq == 5


def test_inserted_event_outside_the_chain(chained):
    with as_table_owner():
        _forge()
    result = _verify()
    assert not result.ok and "not in the chain" in result.problem


def test_forged_pending_event_is_never_chained(chained, caplog):
    from trustdesk.audit.models import AuditPending

    with as_table_owner():
        fake = _forge()
        AuditPending.objects.create(event_id=fake.pk)
    result = _verify()  # chains pending events first
    assert not AuditChainLink.objects.filter(event_id=fake.pk).exists()
    assert not result.ok and f"event id {fake.pk} is not in the chain" in result.problem
    assert any("fails its MAC" in r.getMessage() for r in caplog.records)


def test_reordered_events(chained):
    with as_table_owner():
        a, b = AuditChainLink.objects.get(seq=8), AuditChainLink.objects.get(seq=9)
        AuditChainLink.objects.filter(seq=8).update(event_id=-1)
        AuditChainLink.objects.filter(seq=9).update(event_id=a.event_id)
        AuditChainLink.objects.filter(seq=8).update(event_id=b.event_id)
    assert _verify().first_bad_seq == 8


def test_rewritten_chain_is_caught_by_the_signed_checkpoint(chained):
    # A forger who deletes position 14 and recomputes every later hash still cannot
    # re-sign the checkpoint at 20.
    from trustdesk.audit import canonical

    with as_table_owner():
        AuditEvent.objects.filter(pk=_event_at(14).pk).delete()
        AuditChainLink.objects.filter(seq=14).delete()
        previous = AuditChainLink.objects.get(seq=13).hash
        for link in AuditChainLink.objects.filter(seq__gt=14).order_by("seq"):
            mac = AuditEvent.objects.get(pk=link.event_id).mac
            previous = canonical.link_hash(previous, mac)
            AuditChainLink.objects.filter(seq=link.seq).delete()
            AuditChainLink.objects.create(seq=link.seq - 1, event_id=link.event_id,
                                          hash=previous)
    result = _verify()
    assert not result.ok and result.first_bad_seq == 20


def test_truncated_tail_after_the_last_checkpoint(chained):
    with as_table_owner():
        for seq in (25, 24, 23):
            AuditEvent.objects.filter(pk=_event_at(seq).pk).delete()
            AuditChainLink.objects.filter(seq=seq).delete()
    result = _verify()
    assert result.first_bad_seq == 23 and "truncated" in result.problem


def test_truncated_past_a_checkpoint(chained):
    with as_table_owner():
        for seq in range(25, 17, -1):
            AuditEvent.objects.filter(pk=_event_at(seq).pk).delete()
            AuditChainLink.objects.filter(seq=seq).delete()
    result = _verify()
    assert result.first_bad_seq == 18 and "truncated" in result.problem


def test_forged_checkpoint_signature(chained):
    with as_table_owner():
        AuditCheckpoint.objects.filter(seq=10).update(signature="AAAA" * 22)
    assert _verify().first_bad_seq == 10


def test_verify_command_exits_non_zero_on_a_finding(chained):
    with as_table_owner(drop_check=True):
        AuditEvent.objects.filter(pk=_event_at(2).pk).update(action="customer.list")
    err = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("audit", "verify", stderr=err)
    assert caught.value.code == 1
    assert "TAMPERING DETECTED at position 2" in err.getvalue()


def test_the_application_cannot_rewrite_history(chained):
    """On PostgreSQL a trigger refuses UPDATE and DELETE, the application's included.
    On SQLite (no triggers) the same change is caught by verification instead."""
    from django.db import DatabaseError, transaction

    target = _event_at(4).pk
    if connection.vendor == "postgresql":
        for attempt in (lambda: AuditEvent.objects.filter(pk=target).update(action="x"),
                        lambda: AuditEvent.objects.filter(pk=target).delete(),
                        lambda: AuditChainLink.objects.filter(seq=4).delete(),
                        lambda: AuditCheckpoint.objects.filter(seq=10).update(hash="0")):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        assert _verify().ok
    else:
        AuditEvent.objects.filter(pk=target).update(action="x")
        assert _verify().first_bad_seq == 4
