"""Runs: the preview matches the run, holds stop it, an interrupted run resumes without
deleting twice or skipping, a batch stops at its limit, the audit trail has counts and
no values, approval is a privacy officer's (or TrustDesk's, when told to)."""

from __future__ import annotations

import dataclasses

import pytest

from privacy.conftest import day
from trustdesk.audit import canonical
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, PermissionDenied, ReauthenticationRequired
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.privacy import holds as held
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.models import RetentionRun
from trustdesk.retention import holds, runner, services

pytestmark = pytest.mark.django_db
THREE = get_inventory().get("full_name").retention_days
ADDRESS = "1 High Street, Springfield"


@pytest.fixture
def backlog(old_customer, old_ticket, freeze):
    """Five customers with nothing left to keep (two fields each, one with a card), a
    sixth whose address alone is due, two expired tickets; the clock on the day."""
    gone = [old_customer() for _ in range(4)]
    gone.append(old_customer(payment_card="4111111111111111"))
    partial = old_customer(postal_address=ADDRESS, at=day(THREE - 365))
    tickets = [old_ticket(gone[0], replies=1), old_ticket(gone[1])]
    freeze(day(THREE))
    return {"gone": gone, "partial": partial, "tickets": tickets}


def approved(system):
    run = services.preview(actor=system)
    return services.approve(actor=system, run_id=run.pk)


def finish(run_id, limit=None) -> int:
    batches = 1
    while not runner.run_batch(run_id=run_id, limit=limit).finished:
        batches += 1
    return batches


def test_the_preview_counts_what_the_run_deletes(backlog, system):
    run = services.preview(actor=system)
    expected = {"fields": {"email": 5, "full_name": 5, "payment_card": 1,
                           "postal_address": 1},
                "customers": 5, "tickets": 2, "messages": 3}
    assert run.preview == expected
    assert CustomerField.objects.count() == 14  # nothing deleted by a preview
    services.approve(actor=system, run_id=run.pk)
    finish(run.pk)
    run.refresh_from_db()
    assert run.status == RetentionRun.Status.DONE and run.done == expected
    assert set(CustomerField.objects.values_list("name", flat=True)) == {"full_name",
                                                                      "email"}
    assert Customer.objects.filter(status="erased").count() == 5


def test_a_legal_hold_stops_deletion_until_released(backlog, system, make_user, as_actor):
    officer = dataclasses.replace(as_actor(make_user("privacy_officer")),
                                  reauthenticated=False)
    first, second = backlog["gone"][0], backlog["gone"][1]
    hold = holds.hold_set(actor=officer, customer_id=first.id, reason="Case 2024-17")
    ticket_hold = holds.hold_set(actor=officer, customer_id=second.id,
                                 ticket_id=backlog["tickets"][1].pk, reason="Dispute 88")
    assert held.is_held(first.id) and held.is_held(second.id)
    assert held.holds_for(second.id, ticket_id=backlog["tickets"][1].pk) == [ticket_hold]
    run = approved(system)
    finish(run.pk)
    run.refresh_from_db()
    # Both held customers keep everything: the whole profile, their tickets, their key.
    assert run.done["customers"] == 3 and run.done["tickets"] == 0
    for customer in (first, second):
        assert Customer.objects.get(pk=customer.id).status == "active"
        assert CustomerField.objects.filter(customer_id=customer.id).count() == 2
    with pytest.raises(ReauthenticationRequired):
        holds.hold_release(actor=officer, hold_id=hold.pk)
    holds.hold_release(actor=dataclasses.replace(officer, reauthenticated=True), hold_id=hold.pk)
    holds.hold_release(actor=dataclasses.replace(officer, reauthenticated=True),
                       hold_id=ticket_hold.pk)
    assert not held.is_held(first.id)
    run = approved(system)
    finish(run.pk)
    run.refresh_from_db()
    assert run.done["customers"] == 2 and run.done["tickets"] == 2
    actions = list(AuditEvent.objects.filter(action__startswith="legal_hold.")
                   .values_list("action", "actor_label"))
    assert sorted(a for a, _ in actions) == ["legal_hold.release", "legal_hold.release",
                                             "legal_hold.set", "legal_hold.set"]


def test_an_interrupted_run_resumes_without_deleting_twice_or_skipping(backlog, system,
                                                                       monkeypatch):
    run = approved(system)
    real, calls = customers.fields_expire, []

    def crash_on_the_fourth(**kwargs):
        calls.append(kwargs["customer"].pk)
        if len(calls) == 4:
            raise RuntimeError("worker lost")
        return real(**kwargs)

    monkeypatch.setattr(customers, "fields_expire", crash_on_the_fourth)
    with pytest.raises(RuntimeError):
        runner.run_batch(run_id=run.pk)
    # The whole chunk in flight rolled back: nothing of it was deleted or counted.
    run.refresh_from_db()
    assert run.done == {"fields": {}, "customers": 0, "tickets": 0, "messages": 0}
    assert CustomerField.objects.count() == 14
    monkeypatch.setattr(customers, "fields_expire", real)
    finish(run.pk)
    run.refresh_from_db()
    assert run.done == run.preview
    assert CustomerField.objects.count() == 2  # the sixth customer's 3y fields


def test_a_crash_after_a_committed_chunk_resumes_at_the_cursor(backlog, system, monkeypatch):
    monkeypatch.setattr(runner, "CUSTOMERS_PER_CHUNK", 2)
    run = approved(system)
    real, calls = customers.shred, []

    def crash_on_the_third(**kwargs):
        calls.append(kwargs["customer_id"])
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real(**kwargs)

    monkeypatch.setattr(customers, "shred", crash_on_the_third)
    with pytest.raises(RuntimeError):
        runner.run_batch(run_id=run.pk)
    run.refresh_from_db()
    assert run.phase == "customers" and run.done["customers"] == 2
    monkeypatch.setattr(customers, "shred", real)
    finish(run.pk)
    run.refresh_from_db()
    assert run.done == run.preview
    shreds = AuditEvent.objects.filter(action="customer.erase")
    assert shreds.count() == 5 and len(set(shreds.values_list("customer", flat=True))) == 5


def test_windows_smaller_than_the_backlog_delete_all_of_it(backlog, old_customer,
                                                           system, monkeypatch):
    """Each chunk looks at a few keys past its cursor: windows with nothing due only move
    it on, and the run still deletes exactly what the preview counted, no more."""
    for _ in range(3):
        old_customer(at=day(THREE - 30))  # kept: interleaved with those due
    monkeypatch.setattr(runner, "WINDOW", 2)
    monkeypatch.setattr(runner, "CUSTOMERS_PER_CHUNK", 1)
    run = approved(system)
    finish(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.done == run.preview
    assert run.done["customers"] == 5 and run.done["tickets"] == 2
    assert Customer.objects.filter(status="active").count() == 4


def test_a_batch_stops_at_its_limit_and_the_next_continues(backlog, system):
    run = approved(system)
    left, batches = CustomerField.objects.count(), 0
    while True:
        batch = runner.run_batch(run_id=run.pk, limit=5)
        batches += 1
        # Whole customers only (one, two or three fields each), never past the limit.
        assert batch.objects <= 5
        if batch.finished:
            break
        assert batch.objects >= 3 or run.phase != "fields"
        run.refresh_from_db()
        if run.phase == "fields":
            assert CustomerField.objects.count() == left - batch.objects
        left = CustomerField.objects.count()
    run.refresh_from_db()
    # 19 objects (12 fields in whole customers, 5 shreds, 2 tickets), at most 5 a batch.
    assert run.done == run.preview and run.batches == batches and batches >= 4


def test_the_audit_trail_has_counts_and_never_values(backlog, system):
    run = approved(system)
    finish(run.pk)
    events = AuditEvent.objects.filter(action__startswith="retention.")
    assert {e.action for e in events} == {"retention.preview", "retention.approve",
                                          "retention.delete", "retention.fields",
                                          "retention.run"}
    summary = events.get(action="retention.run")
    body = canonical.detail(bytes(summary.body))
    assert body["context"]["done"] == run.preview
    everything = b"".join(bytes(e.body) for e in AuditEvent.objects.all())
    for value in (ADDRESS, "4111111111111111", "1111", "Customer Number", "example.org"):
        assert value.encode() not in everything, value
    deleted = [canonical.detail(bytes(e.body))["context"]
               for e in events.filter(action="retention.delete")]
    assert sum(d["customers"] for d in deleted) == 5


def test_approval_is_a_privacy_officers_and_refreshes_nothing_twice(backlog, make_user,
                                                                    as_actor, system):
    agent = as_actor(make_user("agent"))
    officer = dataclasses.replace(as_actor(make_user("privacy_officer")),
                                  reauthenticated=False)
    with pytest.raises(PermissionDenied):
        services.preview(actor=agent)
    run = services.preview(actor=officer)
    with pytest.raises(ReauthenticationRequired):
        services.approve(actor=officer, run_id=run.pk)
    newer = services.preview(actor=officer)
    fresh = dataclasses.replace(officer, reauthenticated=True)
    with pytest.raises(Conflict):  # superseded by the newer preview
        services.approve(actor=fresh, run_id=run.pk)
    services.approve(actor=fresh, run_id=newer.pk)
    with pytest.raises(Conflict):  # one run at a time
        services.approve(actor=fresh, run_id=services.preview(actor=officer).pk)


def test_without_approval_the_schedule_deletes_nothing(backlog, settings):
    settings.RETENTION_AUTO = False
    assert services.run_next().objects == 0
    assert CustomerField.objects.count() == 14


def test_auto_approval_runs_once_a_day(backlog, settings):
    settings.RETENTION_AUTO = True
    while not services.run_next().finished:
        pass
    assert CustomerField.objects.count() == 2
    run = RetentionRun.objects.get()
    assert run.auto and run.approved_by == "system:retention" and run.done == run.preview
    assert services.run_next().run_id is None  # today's is done


def test_a_legal_hold_refuses_an_erasure_until_released(backlog, system, make_user, as_actor):
    officer = dataclasses.replace(as_actor(make_user("privacy_officer")), reauthenticated=True)
    first, second = backlog["gone"][0], backlog["gone"][1]
    hold = holds.hold_set(actor=officer, customer_id=first.id, reason="Case 2024-17")
    # A hold on one ticket of theirs keeps the customer whole too.
    holds.hold_set(actor=officer, customer_id=second.id,
                   ticket_id=backlog["tickets"][1].pk, reason="Dispute 88")
    for customer in (first, second):
        with pytest.raises(Conflict, match="legal hold"):
            customers.customer_erase(actor=officer, customer_id=customer.id,
                                     reason="Erasure request")
        assert Customer.objects.get(pk=customer.id).status == "active"
        assert CustomerField.objects.filter(customer_id=customer.id).count() == 2
    assert not AuditEvent.objects.filter(action="customer.erase").exists()
    holds.hold_release(actor=officer, hold_id=hold.pk)
    customers.customer_erase(actor=officer, customer_id=first.id, reason="Erasure request")
    assert Customer.objects.get(pk=first.id).status == "erased"
