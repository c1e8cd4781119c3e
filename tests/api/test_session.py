"""The console's own session may call the API (that is how the browser UI uses it), but
writes then need the CSRF token like any other console form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from helpers import stored_profile
from trustdesk.accounts import services as accounts
from trustdesk.customers.models import Customer

pytestmark = pytest.mark.django_db

PROFILE = {"profile": {"full_name": "Ada Lovelace"}}
CSRF = "abcdefghijklmnopqrstuvwxyz012345"  # a 32-character (unmasked) CSRF secret


def test_session_can_read_me(console_client, agent, team_a):
    response = console_client(agent).get("/api/v1/me")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["email"], body["role"]) == (agent.pk, agent.email, "agent")
    assert body["teams"] == [{"id": team_a.pk, "name": "Team A"}]
    assert "customer.view" in body["permissions"]
    assert "ticket.assign" not in body["permissions"]


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_post_without_csrf_token_is_refused(agent, api_error):
    client = csrf_client(agent)
    assert client.get("/api/v1/customers").status_code == 200  # safe methods need none

    response = client.post("/api/v1/customers", PROFILE, content_type="application/json")

    api_error(response, 403)
    assert "CSRF" in response.json()["error"]["message"]
    assert Customer.objects.count() == 0


def test_session_patch_without_csrf_token_is_refused(agent, make_customer, api_error):
    customer = make_customer(full_name="Before")
    response = csrf_client(agent).patch(f"/api/v1/customers/{customer.id}",
                                        {"profile": {"full_name": "After"}},
                                        content_type="application/json")
    api_error(response, 403)
    assert stored_profile(customer.id)["full_name"] == "Before"


def test_session_post_with_csrf_token_is_accepted(agent):
    client = csrf_client(agent)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF

    wrong = client.post("/api/v1/customers", PROFILE, content_type="application/json",
                        headers={"X-CSRFToken": CSRF[::-1]})
    assert wrong.status_code == 403
    right = client.post("/api/v1/customers", PROFILE, content_type="application/json",
                        headers={"X-CSRFToken": CSRF})
    assert right.status_code == 201, right.content
    assert Customer.objects.count() == 1


def test_session_of_a_disabled_agent_is_401(make_user, system, api_error):
    user = make_user("agent")
    client = csrf_client(user)
    assert client.get("/api/v1/me").status_code == 200
    accounts.user_update(actor=system, user_id=user.pk, is_active=False)
    api_error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_session_is_subject_to_the_role(console_client, make_user, api_error):
    client = console_client(make_user("auditor"))
    api_error(client.get("/api/v1/customers"), 403, "forbidden")
