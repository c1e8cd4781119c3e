"""The lists page, ``/api/v1/mail/lists`` and ``trustdesk mail lists``: one flow behind
all three, who may see and change what, and the audit trail of every change."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trustdesk.audit.models import AuditEvent
from trustdesk.mailgateway import services
from trustdesk.mailgateway.models import ListEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/mail/lists"


def _post(client, body):
    return client.post(API, body, content_type="application/json")


def test_an_admin_adds_and_removes_entries_through_the_api(make_user, api_client):
    admin = make_user("admin")
    client = api_client(admin)
    created = _post(client, {"action": "deny", "kind": "domain", "value": "Spam.Example.",
                             "note": "abuse reports"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["action"], body["kind"], body["value"], body["note"]) == (
        "deny", "domain", "spam.example", "abuse reports")
    assert _post(client, {"action": "allow", "kind": "network",
                          "value": "192.0.2.0/24"}).status_code == 201
    listed = client.get(API).json()
    assert [(e["action"], e["value"]) for e in listed] == [("deny", "spam.example"),
                                                           ("allow", "192.0.2.0/24")]
    assert [e["value"] for e in client.get(API + "?action=allow").json()] == ["192.0.2.0/24"]
    assert client.get(API + "?kind=country").json() == []
    event = AuditEvent.objects.get(action="mail.list.add", object_id=str(body["id"]))
    assert event.actor_user_id == admin.pk and event.object_type == "mail_list_entry"
    assert event.context == {"kind": "domain", "action": "deny", "value": "spam.example"}

    removed = client.delete(f"{API}/{body['id']}")
    assert removed.status_code == 204
    assert not ListEntry.objects.filter(pk=body["id"]).exists()
    event = AuditEvent.objects.get(action="mail.list.remove")
    assert event.context == {"kind": "domain", "action": "deny", "value": "spam.example"}
    assert client.delete(f"{API}/{body['id']}").status_code == 404


def _error(response, status, code, field=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["field"] == field, error
    return error["message"]


def test_bad_and_duplicate_values_are_clear_400s(make_user, api_client):
    client = api_client(make_user("admin"))
    message = _error(_post(client, {"action": "deny", "kind": "network",
                                    "value": "192.0.2.7/24"}), 400, "invalid", "value")
    assert "did you mean 192.0.2.0/24" in message
    message = _error(_post(client, {"action": "deny", "kind": "country", "value": "ZZ"}),
                     400, "invalid", "value")
    assert "ISO 3166-1" in message
    assert _post(client, {"action": "deny", "kind": "country", "value": "kp"}).status_code == 201
    # The same value again, under either action, is refused with a reason, not a 500.
    for action in ("deny", "allow"):
        message = _error(_post(client, {"action": action, "kind": "country", "value": "KP"}),
                         400, "invalid", "value")
        assert "KP is already on the deny list" in message
    _error(_post(client, {"action": "deny", "kind": "country", "value": "DE",
                          "note": "two\nlines"}), 400, "invalid", "note")
    assert _post(client, {"action": "block", "kind": "country",
                          "value": "DE"}).status_code == 400
    assert ListEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="mail.list.add").count() == 1


def test_who_may_see_and_change_the_lists(make_user, api_client, console_client, system):
    entry = services.list_entry_add(actor=system, action="deny", kind="domain",
                                    value="spam.example")
    body = {"action": "deny", "kind": "domain", "value": "more-spam.example"}
    # An agent neither sees nor changes them.
    agent = make_user("agent")
    for client in (api_client(agent), console_client(agent)):
        _error(client.get(API), 403, "forbidden")
        _error(_post(client, body), 403, "forbidden")
        _error(client.delete(f"{API}/{entry.pk}"), 403, "forbidden")
    page = console_client(agent)
    assert page.get("/mail/lists/").status_code == 403
    assert page.post("/mail/lists/", {**body}).status_code == 403
    assert page.post(f"/mail/lists/{entry.pk}/remove/").status_code == 403
    home = page.get("/", follow=True).content.decode()
    assert "Tickets" in home and "Mail gateway" not in home
    # A security officer sees them and cannot change them.
    officer = make_user("security_officer")
    api = api_client(officer)
    assert [e["value"] for e in api.get(API).json()] == ["spam.example"]
    _error(_post(api, body), 403, "forbidden")
    _error(api.delete(f"{API}/{entry.pk}"), 403, "forbidden")
    console = console_client(officer)
    html = console.get("/mail/lists/").content.decode()
    assert "spam.example" in html and "/remove/" not in html and "Add entry" not in html
    assert console.post("/mail/lists/", body).status_code == 403
    assert console.post(f"/mail/lists/{entry.pk}/remove/").status_code == 403
    assert list(ListEntry.objects.values_list("value", flat=True)) == ["spam.example"]
    denied = AuditEvent.objects.filter(action="access.denied")
    assert {e.context.get("permission") for e in denied} >= {"mail.view", "mail.configure"}
    assert not AuditEvent.objects.filter(action__startswith="mail.list.",
                                         actor_user_id__in=[agent.pk, officer.pk]).exists()


def test_the_console_page_adds_and_removes(make_user, console_client, settings):
    settings.GEOIP_DATABASE = None
    admin = make_user("admin")
    client = console_client(admin)
    page = client.get("/mail/lists/").content.decode()
    assert "No entries." in page and "country entries never match" in page
    assert "Mail gateway" in client.get("/", follow=True).content.decode()
    assert "<script>" not in page and "csrfmiddlewaretoken" in page
    response = client.post("/mail/lists/", {"action": "allow", "kind": "address",
                                            "value": "Partner@Example.org", "note": "ERP"})
    assert response.status_code == 302 and response.url == "/mail/lists/"
    entry = ListEntry.objects.get()
    assert (entry.value, entry.created_by_user_id) == ("partner@example.org", admin.pk)
    page = client.get("/mail/lists/").content.decode()
    assert "partner@example.org is on the allow list." in page
    assert f"/mail/lists/{entry.pk}/remove/" in page
    # A bad value is shown on the form, naming what is wrong.
    bad = client.post("/mail/lists/", {"action": "deny", "kind": "address",
                                       "value": "not an address"})
    assert bad.status_code == 400 and "is not one sender address" in bad.content.decode()
    duplicate = client.post("/mail/lists/", {"action": "deny", "kind": "address",
                                             "value": "partner@EXAMPLE.org"})
    assert duplicate.status_code == 400
    assert "already on the allow list" in duplicate.content.decode()
    response = client.post(f"/mail/lists/{entry.pk}/remove/")
    assert response.status_code == 302 and not ListEntry.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="mail.list.").order_by("id")
    assert [(e.action, e.actor_user_id) for e in events] == [
        ("mail.list.add", admin.pk), ("mail.list.remove", admin.pk)]
    assert client.post(f"/mail/lists/{entry.pk}/remove/").status_code == 404
    assert client.get(f"/mail/lists/{entry.pk}/remove/").status_code == 405


def test_the_page_warns_when_the_geoip_file_cannot_be_read(make_user, console_client,
                                                           settings, tmp_path):
    settings.GEOIP_DATABASE = str(tmp_path / "missing.mmdb")
    page = console_client(make_user("admin")).get("/mail/lists/").content.decode()
    assert "The GeoIP database cannot be read" in page


def _cli(*args) -> str:
    out = StringIO()
    call_command("mail", "lists", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_shows_adds_and_removes(settings):
    settings.GEOIP_DATABASE = None
    assert "No entries." in _cli("show")
    added = _cli("add", "deny", "network", "2001:DB8::/32", "--note", "abuse")
    entry = ListEntry.objects.get()
    assert added.strip() == f"Added {entry.pk}: deny network 2001:db8::/32"
    _cli("add", "allow", "country", "de")
    listed = [json.loads(line) for line in _cli("show", "--json").splitlines()]
    assert [(e["action"], e["value"], e["note"]) for e in listed] == [
        ("deny", "2001:db8::/32", "abuse"), ("allow", "DE", "")]
    text = _cli("show", "--kind", "network")
    assert re.search(rf"{entry.pk}\s+deny\s+network 2001:db8::/32  # abuse", text)
    assert "DE" not in text and "country entries never match" in text
    with pytest.raises(CommandError, match="already on the deny list"):
        _cli("add", "allow", "network", "2001:db8::/32")
    with pytest.raises(CommandError, match="not a domain name"):
        _cli("add", "deny", "domain", "not a domain")
    assert _cli("remove", str(entry.pk)).startswith(f"Removed {entry.pk}")
    with pytest.raises(CommandError):
        _cli("remove", str(entry.pk))
    events = AuditEvent.objects.filter(action__startswith="mail.list.")
    assert {(e.action, e.actor_label) for e in events} == {
        ("mail.list.add", "system:mail lists"), ("mail.list.remove", "system:mail lists")}
