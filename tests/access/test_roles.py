"""Roles are editable: an admin changes what a role may do (audited), the change holds at
once in this process and within seconds in every other, administration cannot be locked
out, and nobody grows their own role."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from helpers import server_env, start_server
from trustdesk.access import grants, services
from trustdesk.access.models import RoleGrant
from trustdesk.access.roles import ROLE_PERMISSIONS
from trustdesk.audit.models import AuditEvent

ROLES = "/api/v1/roles"
AGENT_WITHOUT_VIEW = sorted(ROLE_PERMISSIONS["agent"] - {"customer.view"})


def _put(client, role, permissions):
    return client.put(f"{ROLES}/{role}", {"permissions": permissions},
                      content_type="application/json")


@pytest.mark.django_db
def test_admin_takes_a_permission_from_a_role_and_it_holds_at_once(
        make_user, api_client, console_client, make_customer):
    admin, agent = make_user("admin"), make_user("agent")
    customer = make_customer()
    agent_api = api_client(agent)
    assert agent_api.get("/api/v1/customers").status_code == 200
    # A role edit needs a recent password: a bearer token never has one.
    refused = _put(api_client(admin), "agent", AGENT_WITHOUT_VIEW)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauthentication_required"
    unconfirmed = _put(console_client(admin, confirmed=False), "agent", AGENT_WITHOUT_VIEW)
    assert unconfirmed.status_code == 403
    assert unconfirmed.json()["error"]["code"] == "reauthentication_required"
    assert not RoleGrant.objects.exists()
    response = _put(console_client(admin), "agent", AGENT_WITHOUT_VIEW)
    assert response.status_code == 200, response.content
    assert response.json()["removed"] == ["customer.view"] and not response.json()["default"]
    assert agent_api.get("/api/v1/customers").status_code == 403
    assert agent_api.get(f"/api/v1/customers/{customer.id}").status_code == 403
    event = AuditEvent.objects.get(action="role.update")
    assert (event.object_id, event.context["removed"]) == ("agent", ["customer.view"])
    # Sending the shipped set back restores the default (no stored edit left).
    response = _put(console_client(admin), "agent", sorted(ROLE_PERMISSIONS["agent"]))
    assert response.json()["default"] and not RoleGrant.objects.exists()
    assert agent_api.get("/api/v1/customers").status_code == 200


@pytest.mark.django_db
def test_refusals(make_user, console_client):
    admin = console_client(make_user("admin"))
    assert _put(admin, "agent", ["ticket.view", "no.such"]).status_code == 400
    assert _put(admin, "wizard", ["ticket.view"]).status_code in (400, 404)
    floorless = sorted(ROLE_PERMISSIONS["admin"] - {"role.manage"})
    response = _put(admin, "admin", floorless)
    assert response.status_code == 400 and "always keeps" in response.json()["error"]["message"]
    # Growing one's own role beyond what it ships with takes someone else…
    grown = sorted(ROLE_PERMISSIONS["admin"] | {"customer.view"})
    assert _put(admin, "admin", grown).status_code == 403
    # …while taking away, and restoring what it shipped with, do not.
    smaller = sorted(ROLE_PERMISSIONS["admin"] - {"keys.view"})
    assert _put(admin, "admin", smaller).status_code == 200
    assert _put(admin, "admin", sorted(ROLE_PERMISSIONS["admin"])).status_code == 200
    # Only the two changes that were made are on record.
    assert AuditEvent.objects.filter(action="role.update").count() == 2
    # …and the roles page says the rule as it is: another role, not another admin.
    page = admin.get("/security/roles/").content.decode()
    assert "someone in another role who holds" in page and "second admin" not in page


@pytest.mark.django_db
def test_who_may_see_and_edit_roles(make_user, api_client, console_client):
    officer = make_user("security_officer")
    assert api_client(officer).get(ROLES).status_code == 200
    assert _put(api_client(officer), "agent", AGENT_WITHOUT_VIEW).status_code == 403
    assert api_client(make_user("agent")).get(ROLES).status_code == 403
    page = console_client(officer).get("/security/roles/")
    assert page.status_code == 200 and b"<form" not in page.content.split(b"<main")[-1]
    admin = console_client(make_user("admin"))
    assert b'name="permissions"' in admin.get("/security/roles/").content
    response = admin.post("/security/roles/agent/", {"permissions": AGENT_WITHOUT_VIEW})
    assert response.status_code == 302
    assert "customer.view" not in grants.permissions_for("agent")


@pytest.mark.django_db(transaction=True)
def test_another_server_process_follows_within_seconds(make_user, system):
    from trustdesk.accounts import services as accounts

    agent = make_user("agent")
    token = f"Bearer {accounts.token_create(actor=system, user=agent, name='t').secret}"
    proc, base = start_server(server_env())

    def status() -> int:
        request = urllib.request.Request(f"{base}/api/v1/customers",  # noqa: S310
                                         headers={"Authorization": token})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        assert status() == 200
        services.role_update(actor=system, role="agent", permissions=AGENT_WITHOUT_VIEW)
        changed = time.monotonic()
        while status() != 403:
            assert time.monotonic() - changed < grants.GRANTS_TTL + 5, "never followed"
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
