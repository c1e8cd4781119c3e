"""The database's rendering of the indexed columns agrees with the body for any value an
event may hold (so an honest trail never fails verification), and events written in the
first encoding still verify."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.audit import canonical, chain, verify
from trustdesk.audit.models import AuditChainLink, AuditEvent, AuditPending
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.vault import signing

from .conftest import as_table_owner

short = st.text(max_size=20)
moments = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1),
                       timezones=st.just(dt.UTC))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=short, action=short, object_type=st.text(max_size=10), object_id=short,
       user_id=st.none() | st.integers(min_value=-2**63, max_value=2**63 - 1),
       at=moments | moments.map(lambda m: m.replace(microsecond=0)),
       reason=st.text(max_size=50), context=st.dictionaries(short, short | st.integers()))
def test_any_values_verify(monkeypatch, label, action, object_type, object_id, user_id, at,
                           reason, context):
    monkeypatch.setattr("trustdesk.core.clock.now", lambda: at)
    actor = Actor(kind="agent", label=label, user_id=user_id, role="agent")
    with transaction.atomic():
        event = record(actor=actor, action=action, object_type=object_type,
                       object_id=object_id, reason=reason, context=context)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.reason, stored.context) == (reason, context)
    assert stored.actor_label == canonical.clean(label)
    result = verify.verify(save=False)
    assert result.ok, result.problem


def _version_1_event(**changes) -> AuditEvent:
    """An event as the first encoding wrote it: every value in a JSON array, MAC over it."""
    at = dt.datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=dt.UTC)
    values = [uuid.uuid4().hex, at.isoformat(timespec="microseconds"), "agent",
              "ann@example.com", 7, None, "ticket.view", "ticket", "41", ["subject"],
              "allowed", "", "198.51.100.4", "pytest", "", {"customer": "c9"}]
    body = json.dumps(values, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode()
    columns = {"at": at, "actor_label": "ann@example.com", "actor_user_id": 7,
               "action": "ticket.view", "object_type": "ticket", "object_id": "41",
               "customer": "c9", "outcome": "allowed", **changes}
    event = AuditEvent.objects.create(**columns, body=body,
                                      mac=canonical.mac(signing.mac_key(), body))
    AuditPending.objects.create(event_id=event.pk)
    return event


@pytest.mark.django_db
def test_version_1_events_still_verify():
    event = _version_1_event()
    assert chain.chain_pending() == 1
    assert (event.context, event.fields, event.ip) == ({"customer": "c9"}, ["subject"],
                                                       "198.51.100.4")
    assert verify.verify(save=False).ok
    with as_table_owner():
        AuditEvent.objects.filter(pk=event.pk).update(customer="c10")
    result = verify.verify(save=False)
    seq = AuditChainLink.objects.get(event_id=event.pk).seq
    assert (result.ok, result.first_bad_seq) == (False, seq)


@pytest.mark.django_db
def test_a_version_1_event_with_edited_columns_is_never_chained():
    event = _version_1_event(action="ticket.list")
    assert chain.chain_pending() == 0
    assert not AuditChainLink.objects.filter(event_id=event.pk).exists()


def test_the_migrated_check_is_the_one_the_verifier_expects():
    import importlib

    migration = importlib.import_module("trustdesk.audit.migrations.0005_body_check")
    from trustdesk.audit import sql

    assert sql.body_check() == migration.CHECK and migration.NAME == sql.CONSTRAINT
