"""People and a customer with distinctive values, for the field-policy tests."""

from __future__ import annotations

import pytest

from planted import PROFILE


@pytest.fixture
def team(make_team):
    return make_team()


@pytest.fixture
def customer(make_customer):
    return make_customer(**PROFILE)


@pytest.fixture
def agent(make_user, team):
    return make_user("agent", teams=[team])


@pytest.fixture
def assigned(make_ticket, customer, team):
    """A ticket of the customer's routed to the agent's team: the need to know."""
    return make_ticket(customer, team=team)


@pytest.fixture
def reveal_json():
    def send(client, customer_id, field, reason="Customer asked on the phone", **extra):
        return client.post(f"/api/v1/customers/{customer_id}/reveal",
                           data={"field": field, "reason": reason, **extra},
                           content_type="application/json")
    return send


@pytest.fixture
def api_error():
    """``api_error(response, status, code=None)`` → the error dict of an API error."""
    def check(response, status: int, code: str | None = None):
        assert response.status_code == status, (response.status_code, response.content)
        error = response.json()["error"]
        if code is not None:
            assert error["code"] == code, error
        return error
    return check
