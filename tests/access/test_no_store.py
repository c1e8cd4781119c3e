"""No response that can carry customer data may be cached: every console page, htmx
fragment, API response, attachment and revealed value says ``Cache-Control: no-store``.
Endpoints come from the role x endpoint matrix's discovery, so a new one is covered."""

from __future__ import annotations

import pytest

from access.test_matrix import (
    _API_PARAM,
    _PARAM,
    _fill,
    _ids,
    api_operations,
    console_routes,
    world,  # noqa: F401 (the matrix's fixture: customer, ticket...)
)
from trustdesk.accounts import services as accounts

pytestmark = pytest.mark.django_db
REASON = "Customer asked on the phone"


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and \
        response.get("Pragma") == "no-cache"


@pytest.mark.parametrize("role", ["agent", "privacy_officer", "billing"])
def test_every_console_page_and_fragment_is_no_store(role, world, make_user,  # noqa: F811
                                                     console_client, system):
    user = make_user(role, teams=[world["team"]], mfa=True)
    token = accounts.token_create(actor=system, user=user, name="cache")
    ids = _ids(world, user, token.token.pk)
    client = console_client(user)
    cached = []
    for url in ("/" + u for route in console_routes() for u in _fill(route, ids, _PARAM)):
        if url == "/healthz":
            continue
        for response in (client.get(url), client.get(url, HTTP_HX_REQUEST="true")):
            if not _no_store(response):
                cached.append((url, response.status_code, response.get("Cache-Control")))
    assert not cached, cached


def test_reveals_and_attachments_are_no_store(world, make_user, console_client,  # noqa: F811
                                              api_client):
    user = make_user("supervisor", teams=[world["team"]], mfa=True)
    customer = world["customer"]
    client = console_client(user)
    fragment = client.post(f"/customers/{customer.id}/fields/account_number/reveal/",
                           {"reason": REASON}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "ACCT-99887766" in fragment.content.decode()
    api = api_client(user).post(f"/api/v1/customers/{customer.id}/reveal",
                                {"field": "account_number", "reason": REASON},
                                content_type="application/json")
    assert api.status_code == 200 and api.json()["value"] == "ACCT-99887766"
    download = client.get(f"/attachments/{world['attachment'].pk}/")
    assert download.status_code == 200
    assert download.content.startswith(b"statement attached, phone ")
    api_download = api_client(user).get(
        f"/api/v1/attachments/{world['attachment'].pk}")
    for response in (fragment, api, download, api_download):
        assert _no_store(response), (response.status_code, response.get("Cache-Control"))


@pytest.mark.parametrize("role", ["agent", "privacy_officer"])
def test_every_api_response_is_no_store(role, world, make_user, api_client,  # noqa: F811
                                        system):
    user = make_user(role, teams=[world["team"]], mfa=True)
    token = accounts.token_create(actor=system, user=user, name="cache")
    ids = _ids(world, user, token.token.pk)
    client = api_client(user)
    cached = []
    for method, path in api_operations():
        for url in _fill(path, ids, _API_PARAM):
            if method == "GET":
                response = client.get(url)
                if not _no_store(response):
                    cached.append((method, url, response.status_code))
    # Errors too: the unauthenticated answer and the router's own 404.
    for response in (client.get("/api/v1/nowhere"),
                     type(client)().get("/api/v1/customers")):
        if not _no_store(response):
            cached.append(("GET", response.status_code))
    assert not cached, cached


def test_static_files_and_the_health_check_may_be_cached(client):
    assert "no-store" not in client.get("/healthz").get("Cache-Control", "")
    static = client.get("/static/console/app.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
