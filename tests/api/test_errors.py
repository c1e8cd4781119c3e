"""The error contract: every error under /api/ is JSON shaped exactly
``{"error": {"code", "message", "field"}}``, whoever produced it (our services, the router,
Django, or the boundary middleware)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from trustdesk.accounts import services as accounts
from trustdesk.accounts import token_cache
from trustdesk.accounts.models import ApiToken, User
from trustdesk.customers.models import Customer

pytestmark = pytest.mark.django_db

PROFILE = {"profile": {"full_name": "Ada Lovelace"}}


def raw_post(client, path, body: bytes | str, **extra):
    return client.generic("POST", f"/api/v1{path}", body, content_type="application/json",
                          **extra)


# --- malformed requests ------------------------------------------------------------------
@pytest.mark.parametrize("body", ['{"profile": ', "not json", "\xff\xfe", "[1, 2"])
def test_malformed_json_is_400(agent_api, api_error, body):
    error = api_error(raw_post(agent_api, "/customers", body), 400)
    assert "JSON" in error["message"]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("body", ["", "[]", "null", '"text"', "42"])
def test_a_body_that_is_not_an_object_is_400(agent_api, api_error, body):
    api_error(raw_post(agent_api, "/customers", body), 400)


def test_unknown_top_level_field_is_400_and_named(agent_api, post_json, api_error):
    response = post_json(agent_api, "/customers", {**PROFILE, "favourite_colour": "green"})
    error = api_error(response, 400, "invalid", "favourite_colour")
    assert "favourite_colour" in error["message"]
    assert Customer.objects.count() == 0


def test_unknown_nested_field_is_400_and_named(agent_api, post_json, make_customer,
                                               api_error):
    response = post_json(agent_api, "/tickets", {
        "customer_id": str(make_customer().id), "subject": "s", "body": "b",
        "attachments": [{"filename": "a", "content_base64": "YQ==", "colour": "red"}]})
    api_error(response, 400, "invalid", "attachments.0.colour")


@pytest.mark.parametrize(("data", "field"), [
    ({"profile": "Ada"}, "profile"),
    ({"profile": {"full_name": 42}}, "profile.full_name"),
    ({}, "profile"),
])
def test_wrong_types_and_missing_fields_are_400_and_named(agent_api, post_json, api_error,
                                                          data, field):
    api_error(post_json(agent_api, "/customers", data), 400, "invalid", field)


@pytest.mark.parametrize("path", ["/api/v1/customers/not-a-uuid", "/api/v1/tickets/abc",
                                  "/api/v1/attachments/1.5"])
def test_malformed_path_parameters_are_client_errors(agent_api, api_error, path):
    response = agent_api.get(path)
    assert response.status_code in (400, 404), response.content
    api_error(response, response.status_code)


# --- routing -----------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", "/api/v1/customers", {"GET", "POST"}),
    ("DELETE", "/api/v1/tickets/1", {"GET", "PATCH"}),
    ("POST", "/api/v1/me", {"GET"}),
])
def test_wrong_method_is_405_json_with_allow(agent_api, api_error, method, path, allowed):
    response = agent_api.generic(method, path, "{}", content_type="application/json")
    api_error(response, 405, "method_not_allowed", None)
    assert {m.strip() for m in response["Allow"].split(",")} == allowed


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/customers/x/y/z", "/api/v1/",
                                  "/api/v2/customers"])
def test_unknown_path_is_404_json(agent_api, api_error, path):
    api_error(agent_api.get(path), 404, "not_found", None)


def test_unknown_path_is_404_json_even_without_credentials(client, api_error):
    api_error(client.get("/api/v1/nope"), 404)


# --- size limits -------------------------------------------------------------------------
def test_body_over_the_limit_is_413_before_it_is_read(settings, agent_api, post_json,
                                                      api_error):
    settings.API_MAX_BODY_BYTES = 200
    big = {"profile": {"full_name": "A" * 150, "company": "B" * 100}}
    assert len(json.dumps(big)) > 200

    api_error(post_json(agent_api, "/customers", big), 413, "too_large")
    assert Customer.objects.count() == 0
    assert post_json(agent_api, "/customers", PROFILE).status_code == 201


def test_declared_length_is_what_counts(settings, agent_api, api_error):
    settings.API_MAX_BODY_BYTES = 200
    response = raw_post(agent_api, "/customers", json.dumps(PROFILE),
                        CONTENT_LENGTH="1000000000")
    api_error(response, 413, "too_large")


def test_garbage_content_length_is_400(agent_api, api_error):
    api_error(raw_post(agent_api, "/customers", json.dumps(PROFILE), CONTENT_LENGTH="lots"),
              400)


def test_body_over_djangos_own_limit_is_413(settings, agent_api, post_json, api_error):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    big = {"profile": {"full_name": "A" * 150}}
    api_error(post_json(agent_api, "/customers", big), 413, "too_large")
    assert Customer.objects.count() == 0


# --- authentication ----------------------------------------------------------------------
def test_no_token_is_401(client, api_error):
    response = client.get("/api/v1/customers")
    api_error(response, 401, "unauthenticated", None)
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "tdk_a_b",
                                    "Bearer tdk_a_b_c_d", "Bearer " + "x" * 5000])
def test_malformed_authorization_is_401(api_error, header):
    client = Client(headers={"Authorization": header})
    api_error(client.get("/api/v1/me"), 401, "unauthenticated", None)


def _issue(user, system, **kwargs):
    return accounts.token_create(actor=system, user=user, name="t", **kwargs)


def test_invalid_expired_and_revoked_tokens_get_the_same_401(agent, system, api_error):
    unknown = _issue(agent, system).secret[:-4] + "AAAA"
    expired = _issue(agent, system, expires_days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=expired.token.created_at - timedelta(seconds=1))
    revoked = _issue(agent, system)
    accounts.token_revoke(actor=system, token_id=revoked.token.pk)
    never_issued = "tdk_0123456789ab_" + "A" * 43

    bodies = []
    for secret in (unknown, expired.secret, revoked.secret, never_issued):
        response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
        api_error(response, 401, "unauthenticated", None)
        bodies.append((response.content, response["WWW-Authenticate"]))
    assert len(set(bodies)) == 1
    assert Client().get("/api/v1/me").content == bodies[0][0]


def test_disabled_users_token_is_401(make_user, api_client, system, api_error):
    user = make_user("agent")
    client = api_client(user)
    assert client.get("/api/v1/me").status_code == 200

    # Even were the token somehow left unrevoked, a disabled owner makes it useless.
    # (A bulk update sends no signal: every process notices it within token_cache.TTL,
    # tests/api/test_token_cache.py; here the wait is skipped.)
    User.objects.filter(pk=user.pk).update(is_active=False)
    token_cache.clear()
    api_error(client.get("/api/v1/me"), 401, "unauthenticated")

    User.objects.filter(pk=user.pk).update(is_active=True)
    token_cache.clear()
    assert client.get("/api/v1/me").status_code == 200
    accounts.user_update(actor=system, user_id=user.pk, is_active=False)
    api_error(client.get("/api/v1/me"), 401, "unauthenticated")
    accounts.user_update(actor=system, user_id=user.pk, is_active=True)
    api_error(client.get("/api/v1/me"), 401, "unauthenticated")  # disabling revoked it


def test_unauthenticated_writes_are_401_for_real_clients(agent, system, api_error):
    """A script does not send CSRF tokens; a write without (valid) credentials must be
    told it is unauthenticated, not that a CSRF check failed."""
    revoked = _issue(agent, system)
    accounts.token_revoke(actor=system, token_id=revoked.token.pk)
    for headers in ({}, {"Authorization": f"Bearer {revoked.secret}"},
                    {"Authorization": "Bearer tdk_nope_nope"}):
        client = Client(enforce_csrf_checks=True, headers=headers)
        response = client.post("/api/v1/customers", PROFILE, content_type="application/json")
        api_error(response, 401, "unauthenticated", None)
    assert Customer.objects.count() == 0


def test_valid_token_writes_need_no_csrf_token(agent, system):
    issued = _issue(agent, system)
    client = Client(enforce_csrf_checks=True,
                    headers={"Authorization": f"Bearer {issued.secret}"})
    response = client.post("/api/v1/customers", PROFILE, content_type="application/json")
    assert response.status_code == 201, response.content


# --- permission and conflict errors keep the shape too -----------------------------------
def test_forbidden_is_403_json(api_client, make_user, api_error):
    error = api_error(api_client(make_user("auditor")).get("/api/v1/customers"), 403,
                      "forbidden", None)
    assert "auditor" not in error["message"]  # the specifics go to the log only


def test_erased_customer_cannot_be_changed(agent_api, post_json, make_customer, api_error):
    customer = make_customer()
    Customer.objects.filter(pk=customer.id).update(status="erased")
    api_error(post_json(agent_api, f"/customers/{customer.id}", {"profile": {"company": "X"}},
                        method="patch"), 409, "conflict")
