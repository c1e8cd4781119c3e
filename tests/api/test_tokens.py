"""API tokens: scopes only narrow the owner's role, and only a digest is stored."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client

from trustdesk.access.roles import ROLE_PERMISSIONS
from trustdesk.accounts import services as accounts
from trustdesk.accounts.models import ApiToken
from trustdesk.customers.models import Customer

pytestmark = pytest.mark.django_db

PROFILE = {"profile": {"full_name": "Ada Lovelace"}}


def test_a_view_scope_cannot_write(agent, api_client, post_json, make_ticket, api_error):
    ticket = make_ticket()
    client = api_client(agent, scopes=["ticket.view"])

    api_error(post_json(client, "/customers", PROFILE), 403, "forbidden")
    api_error(client.get("/api/v1/customers"), 403, "forbidden")
    api_error(post_json(client, f"/tickets/{ticket.pk}/messages", {"body": "Hi"}), 403,
              "forbidden")
    api_error(post_json(client, f"/tickets/{ticket.pk}", {"status": "open"}, method="patch"),
              403, "forbidden")
    listed = client.get("/api/v1/tickets")
    assert listed.status_code == 200, listed.content
    assert [t["id"] for t in listed.json()["items"]] == [ticket.pk]
    detail = client.get(f"/api/v1/tickets/{ticket.pk}")
    assert detail.status_code == 200
    assert detail.json()["customer_name"] is None  # no customer.view in this token
    assert Customer.objects.count() == 1
    assert client.get("/api/v1/me").json()["permissions"] == ["ticket.view"]


def test_a_wildcard_scope_narrows_to_its_family(agent, api_client, post_json, api_error):
    client = api_client(agent, scopes=["customer.*"])
    assert post_json(client, "/customers", PROFILE).status_code == 201
    assert client.get("/api/v1/customers").status_code == 200
    api_error(client.get("/api/v1/tickets"), 403, "forbidden")
    assert client.get("/api/v1/me").json()["permissions"] == [
        "customer.create", "customer.reveal", "customer.update", "customer.verify",
        "customer.view"]


def test_a_token_never_grants_more_than_the_role(make_user, api_client, post_json,
                                                 make_customer, make_ticket, api_error):
    customer = make_customer()
    ticket = make_ticket(customer)
    auditor = api_client(make_user("auditor"), scopes=["*"])

    api_error(auditor.get("/api/v1/customers"), 403, "forbidden")
    api_error(auditor.get(f"/api/v1/customers/{customer.id}"), 403, "forbidden")
    api_error(post_json(auditor, "/customers", PROFILE), 403, "forbidden")
    api_error(auditor.get("/api/v1/tickets"), 403, "forbidden")
    api_error(auditor.get(f"/api/v1/tickets/{ticket.pk}"), 403, "forbidden")
    me = auditor.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["permissions"] == sorted(ROLE_PERMISSIONS["auditor"])

    # Scopes the role lacks are simply not there: ticket.* gives an auditor nothing.
    narrowed = api_client(make_user("auditor"), scopes=["ticket.*"])
    assert narrowed.get("/api/v1/me").json()["permissions"] == []
    api_error(narrowed.get("/api/v1/tickets"), 403, "forbidden")


def test_admin_token_cannot_reply_to_customers(make_user, api_client, post_json, make_ticket,
                                               api_error):
    ticket = make_ticket()
    admin = api_client(make_user("admin"))
    assert admin.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    api_error(post_json(admin, f"/tickets/{ticket.pk}/messages", {"body": "Hi"}), 403,
              "forbidden")


def test_only_a_digest_of_the_token_is_stored(agent, system):
    issued = accounts.token_create(actor=system, user=agent, name="ci", scopes=["ticket.view"])
    secret = issued.secret
    _, prefix, random_part = secret.split("_", 2)

    row = ApiToken.objects.get(pk=issued.token.pk)
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == prefix
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table} WHERE id = %s", [row.pk])
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert secret not in stored
    assert random_part not in stored
    assert random_part[:16] not in stored

    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
    assert response.status_code == 200
    assert row.digest not in response.content.decode()
    # The digest itself is not a credential.
    assert Client(headers={"Authorization": f"Bearer {row.digest}"}).get(
        "/api/v1/me").status_code == 401
    forged = f"tdk_{prefix}_{row.digest}"
    assert Client(headers={"Authorization": f"Bearer {forged}"}).get(
        "/api/v1/me").status_code == 401


def test_every_issued_token_works(agent, system):
    """The random part is URL-safe base64, which may contain '_' like the separator."""
    secrets = [accounts.token_create(actor=system, user=agent, name=f"t{i}").secret
               for i in range(40)]
    assert any("_" in s.split("_", 2)[2] for s in secrets)  # ~1 - 2**-40
    for secret in secrets:
        response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
        assert response.status_code == 200, (secret, response.content)


def test_token_use_is_recorded(agent, system):
    issued = accounts.token_create(actor=system, user=agent, name="ci")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is None
    Client(headers={"Authorization": f"Bearer {issued.secret}"}).get("/api/v1/me")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None
