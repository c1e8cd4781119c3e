"""Crypto-shredding: erase a customer after copying the database, and the copy is
unreadable for that customer while everyone else stays readable."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from django.db import connection

from trustdesk import vault
from trustdesk.audit.models import AuditEvent
from trustdesk.customers import services
from trustdesk.customers.models import Customer, subject_for
from trustdesk.tickets import services as tickets
from trustdesk.vault.errors import SubjectErased

pytestmark = pytest.mark.django_db(transaction=True)


def _copy_database(tmp_path):
    """A copy of the database as a backup would hold it: on SQLite the database file
    itself (through the online backup API, which includes the write-ahead log); on
    PostgreSQL the same tables exported row for row into a file."""
    copy = tmp_path / "backup.sqlite3"
    if connection.vendor == "sqlite":
        with sqlite3.connect(connection.settings_dict["NAME"]) as live, \
                sqlite3.connect(copy) as target:
            live.backup(target)
        return copy
    with sqlite3.connect(copy) as target, connection.cursor() as cur:
        for table, columns in (("customers_customerfield", "customer_id, name, sealed"),
                               ("tickets_ticket", "id, customer_id"),
                               ("tickets_message", "ticket_id, uid, body_sealed")):
            target.execute(f"CREATE TABLE {table} ({columns})")
            cur.execute(f"SELECT {columns} FROM {table}")
            marks = ", ".join("?" * len(columns.split(",")))
            target.executemany(f"INSERT INTO {table} VALUES ({marks})",
                               [tuple(bytes(v) if isinstance(v, memoryview) else
                                      str(v) if isinstance(v, uuid.UUID) else v for v in row)
                                for row in cur.fetchall()])
    return copy


def _uuid(value) -> str:
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid: one form for both.
    return str(uuid.UUID(str(value)))


def _read_from_copy(copy, customer_id) -> list[str]:
    """Everything of one customer that the copy holds, opened with today's keys."""
    out = []
    with sqlite3.connect(copy) as db:
        for cid, name, sealed in db.execute(
                "SELECT customer_id, name, sealed FROM customers_customerfield"):
            if _uuid(cid) == str(customer_id):
                out.append(vault.open_text(subject_for(_uuid(cid)), f"field:{name}", sealed))
        for cid, uid, sealed in db.execute(
                "SELECT t.customer_id, m.uid, m.body_sealed FROM tickets_message m "
                "JOIN tickets_ticket t ON t.id = m.ticket_id"):
            if _uuid(cid) == str(customer_id):
                out.append(vault.open_text(subject_for(_uuid(cid)), f"message.body:{_uuid(uid)}",
                                           sealed))
    assert out, "the copy holds nothing of this customer"
    return out


def test_copy_then_shred(system, tmp_path):
    ada = services.customer_create(actor=system, profile={
        "full_name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0958"})
    grace = services.customer_create(actor=system, profile={
        "full_name": "Grace Hopper", "email": "grace@example.org"})
    for who in (ada, grace):
        tickets.ticket_create(actor=system, customer_id=who.id, subject="Order",
                              body=f"Private note from {who.profile['full_name']}")

    copy = _copy_database(tmp_path)
    assert "Ada Lovelace" in _read_from_copy(copy, ada.id)  # the backup is readable today

    erased = services.customer_erase(actor=system, customer_id=ada.id,
                                     reason="GDPR Art. 17 request")

    with pytest.raises(SubjectErased):
        _read_from_copy(copy, ada.id)
    assert set(_read_from_copy(copy, grace.id)) >= {"Grace Hopper", "grace@example.org",
                                                    "Private note from Grace Hopper"}
    # What remains is the erasure record.
    row = Customer.objects.get(pk=ada.id)
    assert (row.status, row.erased_by, row.erasure_reason) == (
        "erased", system.label, "GDPR Art. 17 request")
    assert erased.profile == {} and not row.fields.exists()
    event = AuditEvent.objects.get(action="customer.erase")
    assert event.reason == "GDPR Art. 17 request" and event.object_id == str(ada.id)


def test_erasure_needs_the_permission_and_a_reason(make_user, as_actor, make_customer, system):
    from trustdesk.core.errors import PermissionDenied, ValidationError

    customer = make_customer()
    with pytest.raises(PermissionDenied):
        services.customer_erase(actor=as_actor(make_user("supervisor")),
                                customer_id=customer.id, reason="x")
    with pytest.raises(ValidationError):
        services.customer_erase(actor=as_actor(make_user("privacy_officer")),
                                customer_id=customer.id, reason="  ")
    assert vault.open_text(subject_for(customer.id), "field:full_name",
                           bytes(Customer.objects.get(pk=customer.id).fields.get(
                               name="full_name").sealed))
