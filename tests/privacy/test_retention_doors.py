"""The front doors of retention: the API, the console page and ``trustdesk retention``;
and the inventory's ``tickets:`` section."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from privacy.conftest import day
from trustdesk.customers.models import CustomerField
from trustdesk.privacy.errors import InventoryError
from trustdesk.privacy.inventory import get_inventory, parse_inventory
from trustdesk.privacy.models import LegalHold, RetentionRun
from trustdesk.privacy.ticket_retention import CHANNELS
from trustdesk.tickets.choices import Channel

THREE = get_inventory().get("full_name").retention_days


@pytest.fixture
def due(old_customer, freeze):
    customer = old_customer()
    freeze(day(THREE))
    return customer


@pytest.mark.django_db
def test_the_api_previews_approves_and_reports_a_run(due, make_user, api_client,
                                                     console_client):
    officer = make_user("privacy_officer", mfa=True)
    token = api_client(officer)
    preview = token.post("/api/v1/privacy/retention/preview")
    assert preview.status_code == 201, preview.content
    body = preview.json()
    assert body["preview"] == {"fields": {"email": 1, "full_name": 1}, "customers": 1,
                               "tickets": 0, "messages": 0}
    # A bearer token is never freshly re-authenticated: approving needs the console.
    refused = token.post(f"/api/v1/privacy/retention/runs/{body['id']}/approve")
    assert refused.status_code == 403
    session = console_client(officer)
    approved = session.post(f"/api/v1/privacy/retention/runs/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    status = token.get(f"/api/v1/privacy/retention/runs/{body['id']}")
    assert status.json()["phase"] == "fields"
    assert [r["id"] for r in token.get("/api/v1/privacy/retention/runs").json()] == [body["id"]]


@pytest.mark.django_db
def test_the_api_sets_lists_and_releases_holds(due, make_user, api_client, console_client):
    officer = make_user("privacy_officer", mfa=True)
    token = api_client(officer)
    made = token.post("/api/v1/privacy/holds", {"customer_id": str(due.id),
                                                "reason": "Case 2024-17"},
                      content_type="application/json")
    assert made.status_code == 201, made.content
    assert [h["id"] for h in token.get("/api/v1/privacy/holds").json()] == [made.json()["id"]]
    no_one = token.post("/api/v1/privacy/holds", {
        "customer_id": "00000000-0000-4000-8000-000000000000", "reason": "Case"},
        content_type="application/json")
    assert no_one.status_code == 404
    released = console_client(officer).post(
        f"/api/v1/privacy/holds/{made.json()['id']}/release")
    assert released.status_code == 200 and released.json()["released_at"]
    assert token.get("/api/v1/privacy/holds").json() == []
    agent = api_client(make_user("agent"))
    assert agent.get("/api/v1/privacy/holds").status_code == 403
    assert agent.post("/api/v1/privacy/retention/preview").status_code == 403


@pytest.mark.django_db
def test_the_console_page_previews_approves_and_holds(due, make_user, console_client):
    officer = make_user("privacy_officer", mfa=True)
    client = console_client(officer)
    assert client.get("/privacy/retention/").status_code == 200
    client.post("/privacy/retention/preview/")
    run = RetentionRun.objects.get()
    page = client.get("/privacy/retention/").content.decode()
    assert f'data-retention-proposed="{run.pk}"' in page and "email 1, full_name 1" in page
    client.post(f"/privacy/retention/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == officer.email
    client.post("/privacy/holds/", {"customer_id": str(due.id), "reason": "Case 12"})
    hold = LegalHold.objects.get()
    assert f'data-hold="{hold.pk}"' in client.get("/privacy/retention/").content.decode()
    client.post(f"/privacy/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_by == officer.email
    agent = console_client(make_user("agent"))
    assert agent.get("/privacy/retention/").status_code == 403


@pytest.mark.django_db
def test_the_command_line_previews_and_runs(due):
    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert "No approved run" in out.getvalue()
    call_command("retention", "preview", stdout=out)
    run = RetentionRun.objects.get()
    assert f"Run {run.pk}" in out.getvalue() and "customers shredded: 1" in out.getvalue()
    call_command("retention", "run", "--approve", str(run.pk), "--all", stdout=out)
    assert "finished" in out.getvalue()
    assert not CustomerField.objects.filter(customer_id=due.id).exists()
    call_command("retention", "status", stdout=out)
    assert "done" in out.getvalue()


def test_the_inventory_channels_are_the_tickets_channels():
    assert set(CHANNELS) == set(Channel.values)


_BASE = """version: 1
fields:
  - name: full_name
    type: string
    category: identity
    sensitivity: confidential
    purpose: Address the customer
    legal_basis: contract
    required: true
    retention: 3y
"""


@pytest.mark.parametrize(("rules", "line", "problem"), [
    ("  - channel: fax\n    status: closed\n    retention: 2y\n", 12, "'channel' must be"),
    ("  - channel: email\n    status: open\n    retention: 2y\n", 12, "never expired"),
    ("  - channel: email\n    status: closed\n    retention: 2 years\n", 14, "retention"),
    ("  - channel: email\n    status: closed\n", 12, "missing retention"),
    ("  - channel: '*'\n    status: closed\n    retention: 2y\n"
     "  - channel: '*'\n    status: closed\n    retention: 1y\n", 15, "given twice"),
])
def test_a_bad_ticket_rule_names_its_line(rules, line, problem):
    with pytest.raises(InventoryError) as err:
        parse_inventory(_BASE + "tickets:\n" + rules, "inv.yaml")
    assert f"inv.yaml:{line}" in err.value.message and problem in err.value.message


def test_the_most_specific_ticket_rule_wins():
    inventory = get_inventory()
    assert inventory.ticket_retention_days("chat", "closed") == 365
    assert inventory.ticket_retention_days("email", "closed") == 730
    assert inventory.ticket_retention_days("email", "open") is None
    assert parse_inventory(_BASE).tickets == ()


@pytest.mark.django_db
def test_the_hourly_schedule_runs_a_batch_of_the_approved_run(due, settings):
    from trustdesk.jobs import registry
    from trustdesk.retention.jobs import retention_run

    assert "privacy.retention" in {s.name for s in registry.schedules()}
    settings.RETENTION_AUTO = False
    assert retention_run.call() == 0
    settings.RETENTION_AUTO = True
    assert retention_run.call() == 3  # two fields, then the customer shredded
    assert RetentionRun.objects.get().status == "done"


@pytest.mark.django_db
def test_an_id_past_64_bits_is_no_such_run_hold_or_ticket(due, make_user, console_client):
    client = console_client(make_user("privacy_officer", mfa=True))
    huge = 2**64
    for url in (f"/api/v1/privacy/retention/runs/{huge}",):
        assert client.get(url).status_code == 404
    for url in (f"/api/v1/privacy/retention/runs/{huge}/approve",
                f"/api/v1/privacy/holds/{huge}/release"):
        assert client.post(url).status_code == 404, url
    response = client.post("/api/v1/privacy/holds", {
        "customer_id": str(due.id), "ticket_id": huge, "reason": "Case 3"},
        content_type="application/json")
    assert response.status_code in (400, 404) and not LegalHold.objects.exists()


def test_the_datamap_shows_the_ticket_rules():
    import json

    out = io.StringIO()
    call_command("datamap", "show", stdout=out)
    assert "chat   closed  1y" in out.getvalue()
    out = io.StringIO()
    call_command("datamap", "show", "--format", "json", stdout=out)
    assert {"channel": "chat", "status": "closed", "retention": "1y",
            "retention_days": 365} in json.loads(out.getvalue())["tickets"]
