"""MFA is required for privileged roles (and, by setting, for everybody): until such a
person enrols, the console sends them to enrol and the API refuses their session and
their tokens. Agents work without MFA unless the setting says "all"."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from conftest import SYSTEM, enrol_totp
from signin import away_from_step_edge, reauthenticate, sign_in, signed_in_confirmed, totp
from trustdesk.access.roles import PRIVILEGED_ROLES
from trustdesk.accounts import services
from trustdesk.accounts.errors import MfaRequired

pytestmark = pytest.mark.django_db

PRIVILEGED = sorted(PRIVILEGED_ROLES)


@pytest.fixture
def customer(make_customer):
    return make_customer(full_name="Ada Lovelace", email="ada@example.org")


def _api_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_without_mfa_reaches_only_enrolment(role, make_user, customer):
    user = make_user(role, mfa=False)
    client = Client()
    assert sign_in(client, user).status_code == 302
    for path in ("/", "/tickets/", "/customers/", f"/customers/{customer.id}/", "/agents/",
                 "/settings/tokens/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/", path
    for path in ("/api/v1/customers", f"/api/v1/customers/{customer.id}", "/api/v1/me"):
        _api_error(client.get(path), 403, "mfa_required")
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "requires two-factor authentication" in page.content.decode()
    # What stays reachable: the MFA pages, sessions, password change, signing out.
    assert client.get("/accounts/sessions/").status_code == 200
    assert client.get("/accounts/password/change/").status_code == 200
    assert client.get("/static/console/app.css").status_code == 200
    assert "Ada Lovelace" not in page.content.decode()

    # Once enrolled, the same session goes on.
    enrol_totp(user)
    for path in ("/", "/customers/", "/agents/"):
        response = client.get(path)  # what the role may see, or a plain refusal
        assert response.status_code in (200, 302, 403) and \
            response.get("Location") != "/accounts/2fa/", path
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "privacy_officer"])
def test_privileged_roles_see_customers_after_enrolling(role, make_user, customer):
    user = make_user(role, mfa=False)
    away_from_step_edge()
    client = Client()
    sign_in(client, user)
    assert client.get(f"/customers/{customer.id}/")["Location"] == "/accounts/2fa/"
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()
    assert client.post("/accounts/2fa/totp/activate/",
                       {"code": totp(secret)}).status_code == 302
    response = client.get(f"/customers/{customer.id}/")
    assert response.status_code == 200 and "Ada Lovelace" in response.content.decode()
    assert client.get(f"/api/v1/customers/{customer.id}").status_code == 200


def test_agents_work_without_mfa(make_user, customer, api_client):
    agent = make_user("agent")
    assert not Authenticator.objects.filter(user=agent).exists()
    client = Client()
    assert sign_in(client, agent)["Location"] == "/"
    assert client.get(f"/customers/{customer.id}/").status_code == 200
    assert client.get(f"/api/v1/customers/{customer.id}").status_code == 200
    assert api_client(agent).get(f"/api/v1/customers/{customer.id}").status_code == 200


def test_mfa_for_all_includes_agents(make_user, customer, settings, api_client):
    settings.REQUIRE_MFA = "all"
    agent = make_user("agent", mfa=False)
    client = Client()
    sign_in(client, agent)
    assert client.get(f"/customers/{customer.id}/")["Location"] == "/accounts/2fa/"
    _api_error(client.get(f"/api/v1/customers/{customer.id}"), 403, "mfa_required")
    with pytest.raises(MfaRequired):
        services.token_create(actor=SYSTEM, user=agent, name="script")
    enrolled = make_user("agent")  # the fixture enrols whoever the setting requires
    assert enrolled.totp_secret
    assert api_client(enrolled).get(f"/api/v1/customers/{customer.id}").status_code == 200


def test_setting_accepts_only_privileged_or_all(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    from trustdesk.config import settings as configured

    monkeypatch.setenv("TRUSTDESK_MFA_REQUIRED", "none")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(configured)
    monkeypatch.setenv("TRUSTDESK_MFA_REQUIRED", "all")
    assert importlib.reload(configured).REQUIRE_MFA == "all"
    monkeypatch.delenv("TRUSTDESK_MFA_REQUIRED")
    assert importlib.reload(configured).REQUIRE_MFA == "privileged"


def test_tokens_need_the_second_factor_the_role_requires(make_user, customer):
    admin = make_user("supervisor", mfa=False)
    # No token can be issued without MFA (console, CLI and API all use this service) ...
    with pytest.raises(MfaRequired):
        services.token_create(actor=SYSTEM, user=admin, name="script")
    enrol_totp(admin)
    issued = services.token_create(actor=SYSTEM, user=admin, name="script")
    bearer = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    assert bearer.get(f"/api/v1/customers/{customer.id}").status_code == 200
    # ... and a token stops working while its owner has no second factor.
    Authenticator.objects.filter(user=admin).delete()
    _api_error(bearer.get(f"/api/v1/customers/{customer.id}"), 403, "mfa_required")
    enrol_totp(admin)
    assert bearer.get(f"/api/v1/customers/{customer.id}").status_code == 200


def test_a_promoted_agent_must_enrol(make_user, as_actor, api_client, customer):
    agent = make_user("agent")
    admin = make_user("admin")
    token_client = api_client(agent)
    client = Client()
    sign_in(client, agent)
    services.user_update(actor=as_actor(admin), user_id=agent.pk, role="supervisor")
    assert client.get("/customers/")["Location"] == "/accounts/2fa/"
    _api_error(token_client.get("/api/v1/customers"), 403, "mfa_required")


def test_the_last_second_factor_of_a_privileged_role_cannot_be_removed(make_user):
    user = make_user("admin")
    client = signed_in_confirmed(user)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "add another authenticator app or security key" in response.content.decode()
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_an_agent_may_remove_their_own_second_factor(make_user):
    user = make_user("agent", mfa=True)
    client = signed_in_confirmed(user)
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
