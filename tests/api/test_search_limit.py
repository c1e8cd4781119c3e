"""Exact-match customer search is no oracle: searches by value are limited per person, a
burst alerts security officers, and each searched value is kept in the trail as a keyed
hash (so repeated guessing shows, and the value does not)."""

from __future__ import annotations

import pytest

import counters_backend
from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.customers import search_guard
from trustdesk.customers.models import CustomerField

pytestmark = pytest.mark.django_db
LOCKED = "ada.locked@example.org"


@pytest.fixture(params=["database", "redis"])
def counters(request, settings):
    counters_backend.use(request.param, settings)
    search_guard._counters.cache_clear()
    yield request.param
    search_guard._counters.cache_clear()


@pytest.fixture
def locked(make_customer):
    """A customer no agent has a ticket for: their e-mail is withheld from agents."""
    return make_customer(full_name="Ada Locked", email=LOCKED)


def _search(client, value, field="email"):
    return client.get("/api/v1/customers", {"field": field, "value": value})


def _guesses(n):
    return [f"guess{i}@example.org" for i in range(n)]


def test_guessing_a_locked_customers_email_is_stopped(counters, make_user, api_client,
                                                       locked):
    # What was tried: 135 guesses in a row, the right one last. Now the default limit
    # refuses the search long before, and the right guess gets the same refusal.
    agent = make_user("agent")
    client = api_client(agent)
    answers = [_search(client, v) for v in [*_guesses(134), LOCKED]]
    statuses = [r.status_code for r in answers]
    assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "600"
    assert "Ada" not in refused.content.decode()
    [alert] = Alert.objects.filter(kind=Alert.Kind.SEARCH_BURST)
    assert (alert.actor_user_id, alert.field) == (agent.pk, "email")
    assert LOCKED not in alert.reason


def test_the_limit_is_per_person_and_a_setting(counters, settings, make_user, api_client,
                                               locked):
    settings.CUSTOMER_SEARCH_LIMIT, settings.CUSTOMER_SEARCH_WINDOW = 3, 120
    first, second = api_client(make_user("agent")), api_client(make_user("agent"))
    assert [_search(first, v).status_code for v in _guesses(4)] == [200, 200, 200, 429]
    assert _search(first, LOCKED)["Retry-After"] == "120"
    assert _search(second, LOCKED).json()["total"] == 1  # someone else's count is theirs
    # Listing without a value is no guess: not counted, not refused.
    assert first.get("/api/v1/customers").status_code == 200
    assert Alert.objects.filter(kind=Alert.Kind.SEARCH_BURST).count() == 1


def test_the_trail_keeps_a_keyed_hash_of_each_searched_value(counters, settings, make_user,
                                                             api_client, locked):
    settings.CUSTOMER_SEARCH_LIMIT = 4
    agent = make_user("agent")
    client = api_client(agent)
    for value in ("Guess@Example.org", "guess@example.org", "other@example.org", LOCKED,
                  LOCKED):
        _search(client, value)
    events = list(AuditEvent.objects.filter(action="customer.list", actor_user_id=agent.pk)
                  .order_by("id"))
    assert [e.outcome for e in events] == ["allowed"] * 4 + ["denied"]
    hashes = [e.context["searched"]["email"] for e in events]
    # Equal values (as normalised) hash alike, so repeated guessing shows; a refused
    # search is recorded with its hash too.
    assert hashes[0] == hashes[1] != hashes[2] and hashes[3] == hashes[4]
    assert events[4].context["rate_limited"] is True
    lookup = CustomerField.objects.get(customer_id=locked.id, name="email").lookup
    assert len(hashes[3]) == 64 and hashes[3] != lookup  # no join to the customers' table
    for event in events:
        assert b"example.org" not in bytes(event.body)


def test_the_console_says_why_and_shows_no_answer(settings, make_user, console_client,
                                                  locked):
    settings.REDIS_URL = None
    search_guard._counters.cache_clear()
    settings.CUSTOMER_SEARCH_LIMIT = 2
    client = console_client(make_user("agent"))
    for value in _guesses(2):
        assert client.get("/customers/", {"field": "email", "value": value}).status_code == 200
    refused = client.get("/customers/", {"field": "email", "value": LOCKED})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "wait before searching again" in page
    officer = console_client(make_user("security_officer"))
    alerts = officer.get("/security/alerts/").content.decode()
    assert "Burst of customer searches" in alerts and LOCKED not in alerts
    # The answer is the plain list, as if nothing had been searched: no "Clear" link.
    assert refused.context["searched"] is False
