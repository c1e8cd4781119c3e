"""Two workers on one run (PostgreSQL, where they truly run at once): each chunk locks
the run's row before reading its cursor, so no customer or ticket is processed twice and
none is skipped, however the chunks interleave."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from privacy.conftest import day
from trustdesk.audit.models import AuditEvent
from trustdesk.customers.models import CustomerField
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.models import RetentionRun
from trustdesk.retention import runner, services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREE = get_inventory().get("full_name").retention_days


def test_two_workers_never_process_the_same_customer_twice(old_customer, old_ticket,
                                                           freeze, system, monkeypatch):
    monkeypatch.setattr(runner, "CUSTOMERS_PER_CHUNK", 2)
    monkeypatch.setattr(runner, "TICKETS_PER_CHUNK", 2)
    customers = [old_customer() for _ in range(12)]
    for customer in customers[:6]:
        old_ticket(customer)
    freeze(day(THREE))
    run = services.approve(actor=system, run_id=services.preview(actor=system).pk)
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            start.wait()
            while True:
                batch = runner.run_batch(run_id=run.pk, limit=3)
                results.append(batch.objects)
                if batch.finished:
                    break
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    run.refresh_from_db()
    assert run.status == RetentionRun.Status.DONE
    assert run.preview == {"fields": {"email": 12, "full_name": 12}, "customers": 12,
                           "tickets": 6, "messages": 6}
    assert run.done == run.preview
    assert sum(results) == 12 * 2 + 12 + 6  # every object once, by one worker or the other
    assert not CustomerField.objects.exists()
    for action in ("retention.fields", "customer.erase"):
        touched = list(AuditEvent.objects.filter(action=action)
                       .values_list("customer", flat=True))
        assert sorted(touched) == sorted({str(c.id) for c in customers}), action
