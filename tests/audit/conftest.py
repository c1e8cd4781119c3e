from __future__ import annotations

import contextlib

import pytest
from django.db import connection

from trustdesk.audit import sql
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor

TABLES = ("audit_auditevent", "audit_auditchainlink", "audit_auditcheckpoint")


@contextlib.contextmanager
def as_table_owner(*, drop_check: bool = False):
    """What a DBA with owner rights can do: on PostgreSQL, switch the append-only
    triggers off (SQLite has none) and, with ``drop_check``, drop the CHECK that keeps
    columns and bodies in agreement (only inside a test transaction that rolls back).
    The tests then tamper as such a person would."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        if drop_check:
            cur.execute(f"ALTER TABLE audit_auditevent DROP CONSTRAINT {sql.CONSTRAINT}")
        for table in TABLES:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for table in TABLES:
                cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.fixture
def trail(db):
    """Record ``n`` events; returns a function doing so."""
    def make(n: int, *, label: str = "agent@example.com"):
        actor = Actor(kind="agent", label=label, user_id=7, role="agent", ip="203.0.113.9",
                      user_agent="pytest", session_key="s3cr3t-session")
        from django.db import transaction

        for i in range(n):
            with transaction.atomic():
                record(actor=actor, action="customer.view", object_type="customer",
                       object_id=f"c{i}", fields=["email", "full_name"],
                       context={"n": i, "note": "ünïcode ✓"})
    return make
