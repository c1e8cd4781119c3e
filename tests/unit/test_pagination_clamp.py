"""A page past the end shows the last page (a kept link, ``?page=999``), not an empty
one; when the count stopped at its cap, the end is unknown and the page stays."""

from __future__ import annotations

import pytest

from trustdesk.core.pagination import clamped
from trustdesk.customers import selectors as customers
from trustdesk.tickets.selectors import ticket_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("page", "total", "capped", "expected"), [
    (1, 0, False, (1, 0, 25)),
    (3, 60, False, (3, 50, 75)),
    (4, 60, False, (3, 50, 75)),
    (999, 60, False, (3, 50, 75)),
    (999, 1000, True, (999, 24950, 24975)),
])
def test_clamped(page, total, capped, expected):
    assert clamped(page, 25, total, capped) == expected


def test_the_queue_and_customers_past_the_end(make_user, make_customer, make_ticket,
                                              as_actor, console_client):
    ada = make_customer()
    for _ in range(3):
        make_ticket(ada)
    boss = as_actor(make_user("supervisor"))
    page = ticket_list(actor=boss, page=50, page_size=2)
    assert (page.page, len(page.items)) == (2, 1)
    listed = customers.customer_list(actor=boss, page=9)
    assert (listed.page, len(listed.items)) == (1, 1)
    client = console_client(make_user("supervisor"))
    response = client.get("/tickets/", {"page": 999})
    assert response.status_code == 200
    assert response.content.count(b"<tr data-href") == 3  # the last page, not "no tickets"
