"""API paths answer with or without a trailing slash, reads and writes alike."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_with_and_without_a_trailing_slash(make_user, make_customer, api_client):
    ada = make_customer(full_name="Ada Lovelace")
    client = api_client(make_user("supervisor"))
    for path in ("/api/v1/customers", "/api/v1/customers/", f"/api/v1/customers/{ada.id}/"):
        assert client.get(path).status_code == 200, path
    created = client.post("/api/v1/tickets/", {"customer_id": str(ada.id), "subject": "Hi",
                                               "body": "Hello", "reason": "On the phone"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    assert client.get("/api/v1/nothing-here/").json()["error"]["code"] == "not_found"
