"""Fixtures for the JSON API tests: the people of a small helpdesk and a checker for the
error contract. Everything goes through the real URLconf, services and database."""

from __future__ import annotations

import pytest

API = "/api/v1"
ERROR_KEYS = {"code", "message", "field"}


def check_error(response, status: int, code: str | None = None, field: str | None = ...):
    """Assert ``response`` is an API error: the status, a JSON body that is exactly
    ``{"error": {"code", "message", "field"}}``, and optionally its code and field."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["field"] is None or isinstance(error["field"], str)
    if code is not None:
        assert error["code"] == code, error
    if field is not ...:
        assert error["field"] == field, error
    return error


@pytest.fixture
def api_error():
    """``api_error(response, status, code=None, field=...)`` → the error dict, checked."""
    return check_error


@pytest.fixture
def team_a(make_team):
    return make_team("Team A")


@pytest.fixture
def team_b(make_team):
    return make_team("Team B")


@pytest.fixture
def agent(make_user, team_a):
    return make_user("agent", teams=[team_a])


@pytest.fixture
def other_agent(make_user, team_a):
    return make_user("agent", teams=[team_a])


@pytest.fixture
def supervisor(make_user, team_a):
    return make_user("supervisor", teams=[team_a])


@pytest.fixture
def agent_api(api_client, agent):
    return api_client(agent)


@pytest.fixture
def supervisor_api(api_client, supervisor):
    return api_client(supervisor)


@pytest.fixture
def post_json():
    """``post_json(client, path, data, method="post")`` → response; ``path`` is relative
    to /api/v1."""
    def send(client, path: str, data, *, method: str = "post", **extra):
        return getattr(client, method)(f"{API}{path}", data=data,
                                       content_type="application/json", **extra)
    return send
