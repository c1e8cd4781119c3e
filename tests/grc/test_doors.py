"""Incidents and bulletins through the console, the API and the command line: the same
use cases, the same permissions, and an acting step that asks for the password again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from trustdesk.audit.models import AuditEvent
from trustdesk.grc.models import BulletinRead, Incident

pytestmark = pytest.mark.django_db


def _aware(hours_ago: int = 2) -> str:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _open(client, owner, **extra):
    data = {"title": "Leaked export", "kind": "data_breach", "severity": "high",
            "owner_id": owner.pk, "aware_at": _aware(), "categories": ["contact"], **extra}
    response = client.post("/incidents/open/", data)
    assert response.status_code == 302, response.content
    return Incident.objects.latest("pk")


def test_console_opens_an_incident_and_forces_a_sign_out(make_user, console_client, alert):
    officer, agent = make_user("security_officer"), make_user("agent")
    client = console_client(officer)
    incident = _open(client, officer, alert_ids=str(alert.pk))
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'data-clock="authority"' in page and "GDPR Art. 33(1)" in page
    assert "70 h" in page or "69 h" in page  # 72 h from awareness two hours ago
    victim = console_client(agent, confirmed=False)
    assert victim.get("/tickets/").status_code == 200
    step = incident.steps.get(action="sign_out")
    response = client.post(f"/incidents/{incident.pk}/steps/{step.pk}/act/",
                           {"user_ids": [agent.pk]})
    assert response.status_code == 302
    assert victim.get("/tickets/").status_code == 302  # signed out
    step.refresh_from_db()
    assert step.result["totals"] == {"sessions_ended": 1}
    listing = client.get("/incidents/").content.decode()
    assert f'data-incident="{incident.pk}"' in listing
    html = client.get(f"/incidents/{incident.pk}/report/html/")
    assert html.status_code == 200 and b"Playbook step carried out" in html.content
    pdf = client.get(f"/incidents/{incident.pk}/report/pdf/")
    assert b"".join([pdf.content]).startswith(b"%PDF")


def test_an_unconfirmed_session_is_asked_for_its_password(make_user, console_client):
    officer, agent = make_user("security_officer"), make_user("agent")
    incident = _open(console_client(officer), officer)
    stale = console_client(officer, confirmed=False)
    step = incident.steps.get(action="sign_out")
    response = stale.post(f"/incidents/{incident.pk}/steps/{step.pk}/act/",
                          {"user_ids": [agent.pk]})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    step.refresh_from_db()
    assert step.done_at is None


def test_bad_input_in_the_console_writes_nothing(make_user, console_client):
    officer = make_user("security_officer")
    client = console_client(officer)
    response = client.post("/incidents/open/", {
        "title": "Future", "kind": "data_breach", "severity": "high", "owner_id": officer.pk,
        "aware_at": _aware(-48)}, follow=True)
    assert b"in the future" in response.content and not Incident.objects.exists()


def test_bulletins_are_read_and_acknowledged(make_user, console_client, api_client):
    officer, agent = make_user("security_officer"), make_user("agent")
    boss = console_client(officer)
    assert boss.post("/bulletins/publish/", {"title": "Fake IT calls",
                                             "body": "Nobody from IT asks for your code.",
                                             "near_miss": "on"}).status_code == 302
    desk = console_client(agent)
    home = desk.get("/bulletins/").content.decode()
    assert "data-bulletin-banner" in home and "Fake IT calls" in home
    bulletin_id = api_client(agent).get("/api/v1/bulletins").json()[0]["id"]
    assert desk.post(f"/bulletins/{bulletin_id}/read/").status_code == 302
    assert desk.post(f"/bulletins/{bulletin_id}/read/").status_code == 302  # once is kept
    assert BulletinRead.objects.count() == 1
    assert "data-bulletin-banner" not in desk.get("/bulletins/").content.decode()
    receipts = boss.get(f"/bulletins/{bulletin_id}/").content.decode()
    assert agent.full_name in receipts.split("Not read yet")[0]
    assert desk.get(f"/bulletins/{bulletin_id}/").status_code == 403
    assert AuditEvent.objects.filter(action="bulletin.read").count() == 1


def test_the_api_follows_the_roles(make_user, api_client, alert):
    officer, agent, auditor = (make_user("security_officer"), make_user("agent"),
                               make_user("auditor"))
    api = api_client(officer)
    created = api.post("/api/v1/incidents", data={
        "kind": "data_breach", "severity": "critical", "title": "Database dump",
        "owner_id": officer.pk, "aware_at": dt.datetime.now(dt.UTC).isoformat(),
        "categories": ["financial"], "alert_ids": [alert.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["incident"]["clocks"][0]["kind"] == "authority"
    assert body["alert_ids"] == [alert.pk]
    pk = body["incident"]["id"]
    assert api_client(auditor).get(f"/api/v1/incidents/{pk}").status_code == 200
    assert api_client(auditor).patch(f"/api/v1/incidents/{pk}", data={"severity": "low"},
                                     content_type="application/json").status_code == 403
    assert api_client(agent).get("/api/v1/incidents").status_code == 403
    step = Incident.objects.get(pk=pk).steps.get(action="sign_out")
    # A bearer token never counts as a fresh re-authentication.
    acted = api.post(f"/api/v1/incidents/{pk}/steps/{step.pk}/act",
                     data={"user_ids": [agent.pk]}, content_type="application/json")
    assert acted.status_code == 403
    bad = api.post("/api/v1/incidents", data={
        "kind": "data_breach", "severity": "high", "title": "x", "owner_id": officer.pk,
        "aware_at": dt.datetime.now(dt.UTC).isoformat(), "categories": ["medical"]},
        content_type="application/json")
    assert bad.status_code == 400 and "categor" in bad.content.decode()
    notice = {"recipient": "CNIL", "reference": "2026-77"}
    url = f"/api/v1/incidents/{pk}/notices/authority"
    assert api.post(url, data=notice, content_type="application/json").status_code == 200
    assert api.post(url, data=notice, content_type="application/json").status_code == 409


def test_the_command_line_lists_and_shows(make_user, console_client):
    officer = make_user("security_officer")
    incident = _open(console_client(officer), officer)
    out = io.StringIO()
    call_command("incidents", "list", "--user", officer.email, stdout=out)
    assert "Leaked export" in out.getvalue() and "authority due" in out.getvalue()
    out = io.StringIO()
    call_command("incidents", "show", str(incident.pk), "--user", officer.email, stdout=out)
    assert "timeline:" in out.getvalue() and "Opened" in out.getvalue()
