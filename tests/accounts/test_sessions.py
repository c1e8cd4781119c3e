"""Sessions: idle and absolute limits, seeing and ending one's own, an admin ending an
agent's, and disabling an account ending them all."""

from __future__ import annotations

import time

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from trustdesk.accounts import services
from trustdesk.accounts.sessions import LOGIN_AT
from trustdesk.audit.models import AuditEvent

PASSWORD = "a long enough passphrase for tests"


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}
                       ).status_code == 302
    return client


def test_idle_and_absolute_limits_are_set(settings):
    from trustdesk.config import settings as configured

    assert configured.SESSION_COOKIE_AGE == 30 * 60 and configured.SESSION_SAVE_EVERY_REQUEST
    assert configured.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


@pytest.mark.django_db
def test_session_key_rotates_on_sign_in(make_user):
    user = make_user("agent")
    client = Client()
    client.get("/accounts/login/")
    before = client.cookies.get("trustdesk_session")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    after = client.cookies["trustdesk_session"].value
    assert before is None or before.value != after


@pytest.mark.django_db
def test_absolute_limit_signs_out(make_user):
    client = _signed_in(make_user("agent"))
    assert client.get("/tickets/").status_code == 200
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 12 * 60 * 60 - 5
    session.save()
    response = client.get("/tickets/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_people_see_and_end_their_own_sessions(make_user):
    user = make_user("agent")
    laptop, phone = _signed_in(user), _signed_in(user)
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert UserSession.objects.filter(user=user).count() == 2
    # In the console's words and frame, not allauth's defaults.
    html = page.content.decode()
    assert "My sessions" in html and "Sign out everywhere else" in html
    assert 'class="queue"' in html and "This browser" in html
    assert "Sign Out Other Sessions" not in html and "Started At" not in html
    # End the other sessions from the laptop.
    laptop.post("/accounts/sessions/", {})
    assert phone.get("/tickets/").status_code == 302
    assert laptop.get("/tickets/").status_code == 200


@pytest.mark.django_db
def test_admin_ends_all_sessions_of_an_agent(make_user, as_actor):
    agent, admin = make_user("agent"), make_user("admin")
    client = _signed_in(agent)
    assert services.user_end_sessions(actor=as_actor(admin), user_id=agent.pk) == 1
    assert client.get("/tickets/").status_code == 302
    assert AuditEvent.objects.filter(action="agent.end_sessions").exists()


@pytest.mark.django_db
def test_disabling_an_account_ends_sessions_and_tokens(make_user, as_actor, api_client):
    agent, admin = make_user("agent"), make_user("admin")
    client, api = _signed_in(agent), api_client(agent)
    services.user_update(actor=as_actor(admin), user_id=agent.pk, is_active=False)
    assert client.get("/tickets/").status_code == 302
    assert api.get("/api/v1/me").status_code == 401
