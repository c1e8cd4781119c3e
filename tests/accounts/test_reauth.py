"""Re-authentication before sensitive actions: exporting the audit trail, issuing an API
token, creating or changing agents, lifting a lockout, and every MFA change. Without a
confirmation in the last five minutes the person is asked for their password (or a
second factor) and the original request then goes on."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from signin import RECORDS, age_sign_in, away_from_step_edge, reauthenticate, sign_in, totp
from trustdesk.accounts import reauth
from trustdesk.accounts.models import ApiToken, User
from trustdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CONFIRM = "/accounts/reauthenticate/"


def _asks_to_confirm(response, then: str) -> None:
    assert response.status_code == 302, response.content[:300]
    assert response["Location"].startswith(CONFIRM), response["Location"]
    assert then in unquote(response["Location"])


def test_audit_export_asks_for_the_password_then_downloads(make_user, console_client):
    officer = make_user("security_officer")
    client = console_client(officer, confirmed=False)
    _asks_to_confirm(client.get("/audit/export/?action=auth."), "/audit/export/")
    assert not AuditEvent.objects.filter(action="audit.export").exists()

    done = client.post(CONFIRM, {"password": "a long enough passphrase for tests",
                                 "next": "/audit/export/?action=auth."})
    assert done.status_code == 302 and done["Location"] == "/audit/export/?action=auth."
    response = client.get(done["Location"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"].startswith('attachment; filename="trustdesk-audit-')
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert lines and all(line["action"].startswith("auth.") for line in lines)
    assert {"seq", "uid", "mac", "actor", "object"} <= set(lines[0])
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_user_id == officer.pk
    assert export.context["events"] == len(lines)
    assert export.context["filters"] == {"action": "auth."}


def test_roles_without_the_permission_are_refused_outright(make_user, console_client):
    for client in (console_client(make_user("agent"), confirmed=False),
                   console_client(make_user("admin"), confirmed=False)):
        assert client.get("/audit/export/").status_code == 403
    agent = console_client(make_user("agent"), confirmed=False)
    response = agent.post("/agents/new/", {"email": "x@example.com"})
    assert response.status_code == 403


def test_a_token_request_resumes_after_confirmation(make_user, console_client):
    agent = make_user("agent")
    client = console_client(agent, confirmed=False)
    form = {"name": "nightly export", "scopes": "ticket.view", "expires_days": "7"}
    _asks_to_confirm(client.post("/settings/tokens/", form), "/settings/tokens/")
    assert not ApiToken.objects.exists()
    # Confirming replays the suspended POST: the token is issued, but never shown at the
    # confirm page's URL (history, Referer): the replay sends the browser to its own page,
    # which shows the secret once.
    response = client.post(CONFIRM, {"password": "a long enough passphrase for tests",
                                     "next": "/settings/tokens/"})
    assert response.status_code == 302 and response["Location"] == "/settings/tokens/"
    assert b"tdk_" not in response.content
    assert ApiToken.objects.get(user=agent).name == "nightly export"
    shown = client.get("/settings/tokens/")
    assert "Copy this token now" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert "Copy this token now" not in client.get("/settings/tokens/").content.decode()


def test_a_replayed_form_keeps_its_input_and_posts_to_its_own_url(make_user, console_client):
    admin = make_user("admin")
    client = console_client(admin, confirmed=False)
    form = {"email": "new.agent@example.com", "full_name": "New Agent", "role": "agent",
            "password": "short"}
    _asks_to_confirm(client.post("/agents/new/", form), "/agents/new/")
    # The weak password is refused by the service only after the confirmation; the form
    # comes back filled in, and posts to /agents/new/, not to the confirm page.
    response = client.post(CONFIRM, {"password": "a long enough passphrase for tests",
                                     "next": "/agents/new/"})
    page = response.content.decode()
    assert response.status_code == 400, page[:300]
    assert 'action="/agents/new/"' in page
    assert 'value="new.agent@example.com"' in page and 'value="New Agent"' in page
    assert not User.objects.filter(email="new.agent@example.com").exists()


def test_a_wrong_password_confirms_nothing(make_user, console_client):
    admin = make_user("admin")
    client = console_client(admin, confirmed=False)
    form = {"email": "new@example.com", "full_name": "New Agent", "role": "agent",
            "password": "a long enough passphrase for the new agent"}
    _asks_to_confirm(client.post("/agents/new/", form), "/agents/new/")
    wrong = client.post(CONFIRM, {"password": "not my password at all", "next": "/agents/new/"})
    assert wrong.status_code == 200
    _asks_to_confirm(client.post("/agents/new/", form), "/agents/new/")
    assert not User.objects.filter(email="new@example.com").exists()


def test_an_authenticator_code_confirms_too(make_user):
    officer = make_user("security_officer")
    away_from_step_edge()
    client = Client()
    sign_in(client, officer)
    client.post("/accounts/2fa/authenticate/", {"code": totp(officer.totp_secret)})
    age_sign_in(client, seconds=301)
    _asks_to_confirm(client.get("/audit/export/"), "/audit/export/")
    # The confirm page offers the second factor as an alternative to the password.
    assert "/accounts/2fa/reauthenticate/" in client.get(CONFIRM).content.decode()
    done = client.post("/accounts/2fa/reauthenticate/",
                       {"code": totp(officer.totp_secret, steps=1), "next": "/audit/export/"})
    assert done.status_code == 302 and done["Location"] == "/audit/export/"
    assert client.get("/audit/export/").status_code == 200


def test_a_confirmation_lasts_five_minutes(make_user, console_client, settings):
    from trustdesk.config import settings as configured

    assert configured.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300
    client, agent = console_client(make_user("admin")), make_user("agent")
    unlock = f"/agents/{agent.pk}/unlock/"
    assert client.post(unlock).status_code == 302  # confirmed: goes through
    assert client.post(unlock)["Location"] == f"/agents/{agent.pk}/"
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # as if five minutes had passed
    _asks_to_confirm(client.post(unlock), unlock)


def test_agent_changes_ask_for_confirmation(make_user, console_client):
    admin, agent = make_user("admin"), make_user("agent")
    client = console_client(admin, confirmed=False)
    form = {"email": agent.email, "full_name": agent.full_name, "role": "supervisor",
            "is_active": "on"}
    _asks_to_confirm(client.post(f"/agents/{agent.pk}/", form), f"/agents/{agent.pk}/")
    assert User.objects.get(pk=agent.pk).role == "agent"
    reauthenticate(client)
    assert client.post(f"/agents/{agent.pk}/", form).status_code == 302
    assert User.objects.get(pk=agent.pk).role == "supervisor"


def test_mfa_changes_ask_for_confirmation(make_user, console_client):
    client = console_client(make_user("agent"), confirmed=False)
    _asks_to_confirm(client.get("/accounts/2fa/totp/activate/"), "/accounts/2fa/totp/activate/")
    _asks_to_confirm(client.get("/accounts/2fa/webauthn/add/"), "/accounts/2fa/webauthn/add/")


def test_the_session_check_behind_every_actor(make_user):
    user = make_user("agent")
    request = RequestFactory().post("/api/v1/something")
    request.user, request.session = user, SessionStore()
    assert not reauth.recently_authenticated(request)
    from trustdesk.accounts.actors import actor_for_user

    assert not actor_for_user(user, request=request).reauthenticated

def test_a_fresh_sign_in_with_the_second_factor_is_not_asked_again(make_user):
    officer = make_user("security_officer")
    away_from_step_edge()
    client = Client()
    sign_in(client, officer)
    client.post("/accounts/2fa/authenticate/", {"code": totp(officer.totp_secret)})
    assert client.get("/audit/export/").status_code == 200
    age_sign_in(client, seconds=301)
    _asks_to_confirm(client.get("/audit/export/"), "/audit/export/")


def test_a_session_that_skipped_the_second_factor_is_not_fresh(make_user, rf):
    """Should a session ever hold a password step alone for someone with a second
    factor, it does not count as a fresh sign-in."""
    import time

    officer = make_user("security_officer")
    request = rf.get("/")
    request.user, request.session = officer, SessionStore()
    request.session[RECORDS] = [{"method": "password", "at": time.time()}]
    request.session["account_authentication_methods_user"] = str(officer.pk)
    assert not reauth.recently_authenticated(request)
    request.session[RECORDS].append({"method": "mfa", "at": time.time(), "type": "totp"})
    assert reauth.recently_authenticated(request)
