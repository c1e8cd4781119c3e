"""The registry through the API and the console: any signed-in person reads it,
``channel.manage`` changes it, bad input gets the field named, refusals are recorded."""

from __future__ import annotations

import pytest

from trustdesk.audit.models import AuditEvent
from trustdesk.channels.models import OfficialChannel

pytestmark = pytest.mark.django_db
API = "/api/v1/channels"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_the_api_lists_for_staff_and_changes_for_admins(make_user, api_client):
    admin, agent = api_client(make_user("admin")), api_client(make_user("agent"))
    made = _json(admin, "post", API, {"kind": "phone", "value": "+442079460000",
                                      "label": "Billing", "may_ask": ["order number"],
                                      "never_asks": ["money_transfer"]})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["value"] == "+44 20 7946 0000" and "password" in body["never_asks"]
    assert "money_transfer" in body["never_asks"]
    url = f"{API}/{body['id']}"
    assert [c["id"] for c in agent.get(API).json()] == [body["id"]]
    for method, data in (("post", {"kind": "web", "value": "https://x.example/"}),
                         ("patch", {"label": "Hijacked"}), ("delete", None)):
        refused = _json(agent, method, API if method == "post" else url, data)
        assert refused.status_code == 403, (method, refused.content)
    assert AuditEvent.objects.filter(action="access.denied").count() == 3
    patched = _json(admin, "patch", url, {"label": "Payments", "active": False})
    assert patched.status_code == 200 and patched.json()["label"] == "Payments"
    assert patched.json()["active"] is False
    assert _json(admin, "delete", url).status_code == 204
    assert _json(admin, "delete", url).status_code == 404
    assert not OfficialChannel.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "email", "value": "nope"}, "value"),
    ({"kind": "phone", "value": "+44 20 7946 0000", "label": "Call +44 20 7946 0958"},
     "label"),
    ({"kind": "web", "value": "https://x.example/", "may_ask": ["your PIN"]}, "may_ask"),
    ({"kind": "web", "value": "https://x.example/", "never_asks": ["everything"]},
     "never_asks"),
])
def test_the_api_names_the_bad_field_and_stores_nothing(make_user, api_client, data, field):
    response = _json(api_client(make_user("admin")), "post", API, data)
    assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert not OfficialChannel.objects.exists()


def test_the_api_refuses_unknown_fields_and_anonymous_reads(client, make_user, api_client):
    response = _json(api_client(make_user("admin")), "post", API,
                     {"kind": "web", "value": "https://x.example/", "id": 7})
    assert response.status_code in (400, 422)
    assert client.get(API).status_code == 401


def test_an_admin_manages_channels_in_the_console(make_user, console_client):
    client = console_client(make_user("admin"))
    home = client.get("/channels/")
    assert home.status_code == 200 and b'data-nav="channels"' in home.content
    added = client.post("/channels/", {"kind": "email", "value": "help@example.com",
                                       "label": "Help desk", "may_ask": "order number",
                                       "never_asks": ["remote_access"], "active": "on"})
    assert added.status_code == 302
    channel = OfficialChannel.objects.get()
    assert channel.may_ask == ["order number"] and "remote_access" in channel.never_asks
    bad = client.post("/channels/", {"kind": "phone", "value": "12345"})
    assert bad.status_code == 400 and "country code" in bad.content.decode()
    edited = client.post(f"/channels/{channel.pk}/", {"value": "help@example.com",
                                                       "label": "Front desk",
                                                       "active": "on"})
    assert edited.status_code == 302
    channel.refresh_from_db()
    assert channel.label == "Front desk" and "remote_access" not in channel.never_asks
    assert client.post(f"/channels/{channel.pk}/delete/").status_code == 302
    assert not OfficialChannel.objects.exists()


def test_other_roles_read_the_list_and_cannot_change_it(make_user, console_client, system):
    from trustdesk.channels import services

    channel = services.channel_create(actor=system, kind="email", value="help@example.com")
    client = console_client(make_user("supervisor"))
    page = client.get("/channels/")
    assert page.status_code == 200 and b"Add a channel" not in page.content
    assert b'data-nav="channels"' not in page.content
    assert client.post("/channels/", {"kind": "email", "value": "x@example.com"}
                       ).status_code == 403
    assert client.post(f"/channels/{channel.pk}/", {"value": "x@example.com"}
                       ).status_code == 403
    assert client.post(f"/channels/{channel.pk}/delete/").status_code == 403
    channel.refresh_from_db()
    assert channel.value == "help@example.com"
