"""Support addresses: validation, the DKIM key made in the vault and its DNS record,
rotation by selector, permissions and the audit trail, through the services, the API, the
console and the command line."""

from __future__ import annotations

import base64
import io

import dkim
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.mailgateway import routes
from trustdesk.mailgateway.models import Route

pytestmark = pytest.mark.django_db


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _verifies(route, raw=b"From: a@x\r\nTo: b@y\r\nSubject: hi\r\n\r\nbody\r\n"):
    """Sign with the sealed private key and verify against the published record: the
    two halves belong together."""
    _, domain = routes.split(route.address)
    signed = dkim.sign(raw, route.dkim_selector.encode(), domain.encode(),
                       routes.open_dkim_key(route), include_headers=[b"from", b"to"]) + raw
    record = routes.dns_record(route).split(" TXT ", 1)[1].strip('"').encode()
    return dkim.verify(signed, dnsfunc=lambda name, timeout=5: record)


def test_create_makes_a_sealed_dkim_key_and_its_record(system, make_team):
    team = make_team()
    route = routes.route_create(actor=system, address=" Support@Example.COM ",
                                name="Example Support", team_id=team.pk,
                                dkim_selector="s2026")
    assert route.address == "support@example.com"
    assert route.dkim_selector == "s2026"
    # The private key is sealed (not PEM in the row) under the gateway's own subject.
    assert b"PRIVATE KEY" not in bytes(route.dkim_key_sealed)
    assert routes.open_dkim_key(route).startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert len(base64.b64decode(route.dkim_public)) > 256  # a 2048-bit key's DER
    assert routes.dns_record(route) == (
        f's2026._domainkey.example.com TXT "v=DKIM1; k=rsa; p={route.dkim_public}"')
    assert _verifies(route)
    [event] = _events("mail.route.create")
    assert event.object_id == str(route.pk)
    assert event.context["address"] == "support@example.com"
    assert event.context["dkim_selector"] == "s2026" and event.context["team"] == team.pk


def test_the_sealed_key_is_bound_to_its_address_and_selector(system):
    a = routes.route_create(actor=system, address="a@example.com", dkim_selector="one")
    b = routes.route_create(actor=system, address="b@example.com", dkim_selector="one")
    b.dkim_key_sealed = a.dkim_key_sealed  # a's key copied onto b's row
    with pytest.raises(Exception, match="integrity"):
        routes.open_dkim_key(b)


def test_idn_domain_is_stored_in_punycode(system):
    route = routes.route_create(actor=system, address="hilfe@bücher.example", dkim=False)
    assert route.address == "hilfe@xn--bcher-kva.example"
    assert route.dkim_selector == "" and routes.dns_record(route) is None


@pytest.mark.parametrize("address", ["no-at-sign", "two@@example.com", "a b@example.com",
                                     "tag+me@example.com", "x@-bad-.example", "x@[192.0.2.1]",
                                     "x@localhost", '"q"@example.com', "@example.com"])
def test_bad_addresses_are_refused(system, address):
    with pytest.raises(ValidationError) as exc:
        routes.route_create(actor=system, address=address, dkim=False)
    assert exc.value.field == "address"
    assert not Route.objects.exists() and not _events("mail.route.create")


@pytest.mark.parametrize("selector", ["Bad_Sel", "a.b", "-x", "x" * 64, "sp ace"])
def test_bad_selectors_are_refused(system, selector):
    with pytest.raises(ValidationError) as exc:
        routes.route_create(actor=system, address="s@example.com", dkim_selector=selector)
    assert exc.value.field == "dkim_selector"


def test_unknown_team_and_duplicates_are_refused(system):
    with pytest.raises(ValidationError) as exc:
        routes.route_create(actor=system, address="s@example.com", team_id=9999, dkim=False)
    assert exc.value.field == "team_id"
    routes.route_create(actor=system, address="s@example.com", dkim=False)
    with pytest.raises(ValidationError, match="exists"):
        routes.route_create(actor=system, address="S@EXAMPLE.com", dkim=False)


def test_rotation_is_a_new_selector_with_a_new_key(system):
    route = routes.route_create(actor=system, address="s@example.com", dkim_selector="old")
    old_public = route.dkim_public
    with pytest.raises(ValidationError, match="new selector"):
        routes.route_update(actor=system, route_id=route.pk, dkim_selector="old")
    route = routes.route_update(actor=system, route_id=route.pk, dkim_selector="new")
    assert route.dkim_selector == "new" and route.dkim_public != old_public
    assert _verifies(route)
    [event] = _events("mail.route.update")
    assert event.context["previous_selector"] == "old"
    assert event.context["dkim_selector"] == "new"
    route = routes.route_update(actor=system, route_id=route.pk, dkim_selector="")
    assert route.dkim_key_sealed is None and routes.dns_record(route) is None


def test_update_changes_only_what_is_given_and_records_it(system, make_team):
    route = routes.route_create(actor=system, address="s@example.com", name="Old", dkim=False)
    team = make_team()
    routes.route_update(actor=system, route_id=route.pk, name="New\r\nBcc: x@evil",
                        team_id=team.pk, active=False)
    route.refresh_from_db()
    assert route.name == "New Bcc: x@evil"  # one line: it becomes a header
    assert route.team_id == team.pk and not route.active and route.honour_dmarc
    [event] = _events("mail.route.update")
    assert sorted(event.fields) == ["active", "name", "team"]
    routes.route_update(actor=system, route_id=route.pk, name="New Bcc: x@evil")
    assert len(_events("mail.route.update")) == 1  # nothing changed, nothing recorded


def test_permissions(system, make_user, as_actor):
    route = routes.route_create(actor=system, address="s@example.com", dkim=False)
    agent, admin, officer = (as_actor(make_user(r)) for r in
                             ("agent", "admin", "security_officer"))
    with pytest.raises(PermissionDenied):
        routes.route_list(actor=agent)
    with pytest.raises(PermissionDenied):
        routes.route_get(actor=agent, route_id=route.pk)
    assert [r.pk for r in routes.route_list(actor=officer)] == [route.pk]
    assert routes.route_get(actor=officer, route_id=route.pk) == route
    for who in (agent, officer):
        with pytest.raises(PermissionDenied):
            routes.route_create(actor=who, address="t@example.com", dkim=False)
        with pytest.raises(PermissionDenied):
            routes.route_update(actor=who, route_id=route.pk, name="x")
    created = routes.route_create(actor=admin, address="t@example.com", dkim=False)
    routes.route_update(actor=admin, route_id=created.pk, name="T")
    assert [e.actor_label for e in _events("mail.route.update")] == [admin.label]


def test_api(system, make_user, api_client):
    admin, officer, agent = (api_client(make_user(r)) for r in
                             ("admin", "security_officer", "agent"))
    response = admin.post("/api/v1/mail/routes", {"address": "help@example.com",
                                                  "name": "Help", "dkim_selector": "k1"},
                          content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == "help@example.com" and body["dkim_selector"] == "k1"
    assert body["dkim_record"].startswith('k1._domainkey.example.com TXT "v=DKIM1; k=rsa; p=')
    assert "PRIVATE" not in response.content.decode()
    route_id = body["id"]
    assert officer.get("/api/v1/mail/routes").json()[0]["id"] == route_id
    assert officer.get(f"/api/v1/mail/routes/{route_id}").status_code == 200
    assert officer.patch(f"/api/v1/mail/routes/{route_id}", {"name": "x"},
                         content_type="application/json").status_code == 403
    assert officer.post("/api/v1/mail/routes", {"address": "x@example.com"},
                        content_type="application/json").status_code == 403
    assert agent.get("/api/v1/mail/routes").status_code == 403
    assert agent.get(f"/api/v1/mail/routes/{route_id}").status_code == 403
    response = admin.patch(f"/api/v1/mail/routes/{route_id}",
                           {"dkim_selector": "k2", "active": False},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json()["dkim_selector"] == "k2" and not response.json()["active"]
    assert admin.get("/api/v1/mail/routes/99999").status_code == 404
    response = admin.post("/api/v1/mail/routes", {"address": "bad"},
                          content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["field"] == "address"
    denied = _events("access.denied")
    assert any("/api/v1/mail/routes" in str(e.detail) for e in denied)
    assert {e.detail["context"].get("permission") for e in denied} >= {"mail.view",
                                                                       "mail.configure"}


def test_console(system, make_user, console_client):
    admin = console_client(make_user("admin", mfa=True))
    officer = console_client(make_user("security_officer", mfa=True))
    agent = console_client(make_user("agent"))
    response = admin.post("/mail/routes/", {"address": "desk@example.com", "name": "Desk",
                                            "dkim": "on", "honour_dmarc": "on",
                                            "active": "on"})
    route = Route.objects.get(address="desk@example.com")
    assert response.status_code == 302 and response.url == f"/mail/routes/{route.pk}/"
    page = admin.get(f"/mail/routes/{route.pk}/").content.decode()
    assert routes.dns_record(route) in page.replace("&quot;", '"')
    assert "New DKIM selector" in page
    page = officer.get(f"/mail/routes/{route.pk}/").content.decode()
    assert routes.dns_record(route) in page.replace("&quot;", '"')
    assert "New DKIM selector" not in page  # viewing only: no form
    assert "desk@example.com" in officer.get("/mail/routes/").content.decode()
    assert officer.post(f"/mail/routes/{route.pk}/", {"name": "x"}).status_code == 403
    assert officer.post("/mail/routes/", {"address": "y@example.com"}).status_code == 403
    assert agent.get("/mail/routes/").status_code == 403
    response = admin.post(f"/mail/routes/{route.pk}/", {"name": "Desk 2",
                                                         "dkim_selector": "next",
                                                         "active": "on"})
    assert response.status_code == 302
    route.refresh_from_db()
    assert route.name == "Desk 2" and route.dkim_selector == "next"
    response = admin.post("/mail/routes/", {"address": "nope"})
    assert response.status_code == 400 and b"support address is name@domain" in \
        response.content


def test_cli(system):
    out = io.StringIO()
    call_command("mail", "routes", "add", "cli@example.com", "--name", "CLI",
                 "--selector", "c1", stdout=out)
    route = Route.objects.get(address="cli@example.com")
    assert f"Publish: {routes.dns_record(route)}" in out.getvalue()
    out = io.StringIO()
    call_command("mail", "routes", "list", stdout=out)
    assert "cli@example.com" in out.getvalue() and "dkim c1" in out.getvalue()
    out = io.StringIO()
    call_command("mail", "routes", "show", str(route.pk), stdout=out)
    assert "From: CLI <cli@example.com>" in out.getvalue()
    with pytest.raises(CommandError, match="name@domain"):
        call_command("mail", "routes", "add", "bad", stdout=io.StringIO())
    [event] = _events("mail.route.create")
    assert event.actor_label == "system:mail routes"
