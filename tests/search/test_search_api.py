"""The search through the API: ``q`` on customers (name and company words) and on
tickets (the conversation's words), with the same limits and the same policy."""

from __future__ import annotations

import pytest

from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_customers_and_tickets_by_words(make_user, make_customer, make_ticket, api_client):
    ada = make_customer(full_name="Ada Lovelace", company="Analytical Engines")
    make_customer(full_name="Grace Hopper")
    ticket = make_ticket(ada, subject="Parcel", body="The brass gears never came.")
    client = api_client(make_user("supervisor"))
    found = client.get("/api/v1/customers", {"q": "ada lov"}).json()
    assert [c["id"] for c in found["items"]] == [str(ada.id)] and found["total"] == 1
    found = client.get("/api/v1/tickets", {"q": "brass"}).json()
    assert [t["id"] for t in found["items"]] == [ticket.pk]
    assert client.get("/api/v1/tickets", {"q": "copper"}).json()["items"] == []
    event = AuditEvent.objects.filter(action="customer.list").latest("id")
    # The words are hashed, not kept ("lov": no hex digest or id can hold it by chance).
    assert "lov" not in str(event.context).lower()
    assert event.context["searched"]["query"]


def test_word_searches_count_against_the_search_limit(make_user, make_customer, api_client,
                                                      settings):
    settings.CUSTOMER_SEARCH_LIMIT, settings.CUSTOMER_SEARCH_WINDOW = 2, 120
    make_customer(full_name="Ada Lovelace")
    client = api_client(make_user("supervisor"))
    codes = [client.get("/api/v1/customers", {"q": f"ada{n}"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_an_over_long_query_is_refused(make_user, api_client):
    client = api_client(make_user("supervisor"))
    assert client.get("/api/v1/customers", {"q": "x" * 201}).status_code in (400, 422)
