"""The published OpenAPI document describes the API that is actually served."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_lists_the_endpoints(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "TrustDesk API"
    paths = document["paths"]
    for path in ("/api/v1/customers", "/api/v1/customers/{customer_id}", "/api/v1/tickets",
                 "/api/v1/tickets/{ticket_id}", "/api/v1/tickets/{ticket_id}/messages",
                 "/api/v1/attachments/{attachment_id}", "/api/v1/me"):
        assert path in paths, path
    assert set(paths["/api/v1/customers"]) == {"get", "post"}
    assert set(paths["/api/v1/tickets/{ticket_id}"]) == {"get", "patch"}


def test_declares_both_ways_to_authenticate(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["ConsoleSession"]["in"] == "cookie"
    operation = document["paths"]["/api/v1/customers"]["post"]
    assert {k for s in operation["security"] for k in s} == {"BearerToken", "ConsoleSession"}


def test_documents_the_error_shape(document):
    responses = document["paths"]["/api/v1/customers"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(responses)
    ref = responses["400"]["content"]["application/json"]["schema"]["$ref"]
    error = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(error["properties"]) == {"error"}


def test_every_documented_operation_exists_and_requires_authentication(document, client,
                                                                      api_error):
    """Asked without credentials, each documented operation answers 401: it is routed
    (not 404/405) and none of them is open to the anonymous."""
    for path, operations in document["paths"].items():
        concrete = (path.replace("{customer_id}", "00000000-0000-4000-8000-000000000000")
                    .replace("{ticket_id}", "1").replace("{attachment_id}", "1"))
        for method in operations:
            response = client.generic(method.upper(), concrete, "{}",
                                      content_type="application/json")
            api_error(response, 401, "unauthenticated")
