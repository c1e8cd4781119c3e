"""Upgrading a database that holds a trail in the first encoding keeps it verifiable."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from trustdesk.audit import chain, verify
from trustdesk.audit.models import AuditEvent
from trustdesk.vault import signing

BEFORE = [("audit", "0003_alter_auditverification_at")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("audit")


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_body_still_verify_after_the_upgrade():
    old = _migrate(BEFORE).get_model("audit", "AuditEvent")
    pending = _migrate(BEFORE).get_model("audit", "AuditPending")
    key = signing.mac_key()
    at = dt.datetime(2026, 5, 4, 3, 2, 1, 0, tzinfo=dt.UTC)
    try:
        for i, (object_type, context) in enumerate([("customer", {}),
                                                    ("ticket", {"customer": "c7"})]):
            values = {"uid": uuid.uuid4(), "at": at + dt.timedelta(seconds=i),
                      "actor_kind": "agent", "actor_label": "ann@example.com",
                      "actor_user_id": 3, "token_id": None, "action": f"{object_type}.view",
                      "object_type": object_type, "object_id": f"o{i}", "fields": ["email"],
                      "outcome": "allowed", "reason": "", "ip": "192.0.2.1",
                      "user_agent": "pytest", "session": "", "context": context}
            # The first encoding, written out here independently of the migration's copy.
            encoded = json.dumps(
                [values["uid"].hex, values["at"].isoformat(timespec="microseconds"),
                 *(values[k] for k in ("actor_kind", "actor_label", "actor_user_id",
                                       "token_id", "action", "object_type", "object_id",
                                       "fields", "outcome", "reason", "ip", "user_agent",
                                       "session", "context"))],
                separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
            event = old.objects.create(**values,
                                       mac=hmac.digest(key, encoded, "sha256").hex())
            pending.objects.create(event_id=event.pk)
    finally:
        _migrate(_latest())
    assert chain.chain_pending() == 2
    result = verify.verify(save=False)
    assert result.ok and result.checked == 2, result.problem
    ticket = AuditEvent.objects.get(action="ticket.view")
    assert (ticket.customer, ticket.fields, ticket.context) == ("c7", ["email"],
                                                                {"customer": "c7"})
    assert AuditEvent.objects.get(action="customer.view").customer == "o0"
