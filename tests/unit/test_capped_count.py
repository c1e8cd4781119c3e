"""A queue's total is counted up to a cap, then reported as "at least"."""

from __future__ import annotations

import pytest

from trustdesk.core import pagination
from trustdesk.tickets import selectors
from trustdesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


def test_the_queue_counts_up_to_the_cap(monkeypatch, make_user, make_customer, system,
                                        api_client):
    customer = make_customer()
    for n in range(7):
        tickets.ticket_create(actor=system, customer_id=customer.id, subject=f"T{n}",
                              body="Hello")
    supervisor = make_user("supervisor")
    from trustdesk.accounts.actors import actor_for_user

    actor = actor_for_user(supervisor)
    page = selectors.ticket_list(actor=actor, page_size=5)
    assert (page.total, page.total_capped, page.pages, page.has_next) == (7, False, 2, True)
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(pagination.capped_count, "__defaults__", (5,))
    page = selectors.ticket_list(actor=actor, page_size=5)
    assert (page.total, page.total_capped, page.has_next) == (5, True, True)
    last = selectors.ticket_list(actor=actor, page=2, page_size=5)
    assert len(last.items) == 2 and not last.has_next
    body = api_client(supervisor).get("/api/v1/tickets?page_size=5").json()
    assert (body["total"], body["total_capped"]) == (5, True)
