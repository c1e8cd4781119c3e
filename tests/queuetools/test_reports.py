"""Reports: the figures over the tickets the reader can see, by date range and team,
drawn as server-side SVG with no script, exported as CSV with formulas escaped, both
audited; nothing of a customer in any of it."""

from __future__ import annotations

import datetime as dt

import pytest

from planted import PROFILE
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core import csvsafe
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import reports, services, sla_settings
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team, make_customer, make_ticket, system):
    orders, billing = make_team("Orders"), make_team("=HYPERLINK(\"x\")")
    lead = make_user("supervisor", teams=[orders], name="Lena Lead")
    agent = make_user("agent", teams=[orders], name="Grace Agent")
    sla_settings.policy_save(actor=actor_for_user(make_user("admin")), name="All",
                             first_response_minutes=60, resolution_minutes=600,
                             business_hours=False)
    ada = make_customer(**PROFILE)
    mine = [make_ticket(ada, team=orders, channel=c) for c in ("email", "email", "web")]
    theirs = make_ticket(ada, team=billing, channel="phone")
    who = actor_for_user(lead)
    services.ticket_reply(actor=who, ticket_id=mine[0].pk, body="On it.")
    services.ticket_update(actor=who, ticket_id=mine[0].pk, status="solved")
    # An old ticket, still open: in the backlog's oldest bucket.
    Ticket.objects.filter(pk=mine[2].pk).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    return {"lead": lead, "agent": agent, "mine": mine, "theirs": theirs,
            "orders": orders, "billing": billing}


def test_the_figures(desk):
    r = reports.report(actor=actor_for_user(desk["lead"]))
    assert dict(r.by_channel) == {"Email": 2, "Web": 0, "API": 0, "Phone": 1, "Chat": 0}
    assert r.created == 3 and r.solved == 1  # the 40-day-old one is outside the period
    assert r.first_response.count == 1 and r.first_response.median_minutes < 5
    assert (r.sla_first_response.met, r.sla_first_response.missed) == (1, 0)
    assert (r.sla_resolution.met, r.sla_resolution.missed) == (1, 0)
    assert dict(r.backlog_age)["over 4 weeks"] == 1
    assert dict(r.team_load) == {"Orders": 2, '=HYPERLINK("x")': 1}
    assert AuditEvent.objects.filter(action="report.view").count() == 1


def test_an_agent_sees_only_their_queue_and_a_team_filter_narrows(desk):
    r = reports.report(actor=actor_for_user(desk["agent"]))
    assert dict(r.team_load) == {"Orders": 2}
    only = reports.report(actor=actor_for_user(desk["lead"]), team_id=desk["billing"].pk)
    assert only.created == 1 and dict(only.by_channel)["Phone"] == 1


@pytest.mark.parametrize("start, end, why", [
    (dt.date(2026, 5, 2), dt.date(2026, 5, 1), "after the end"),
    (dt.date(2024, 1, 1), dt.date(2026, 1, 1), "at most"),
])
def test_bad_periods(desk, start, end, why):
    with pytest.raises(ValidationError, match=why):
        reports.report(actor=actor_for_user(desk["lead"]), start=start, end=end)


def test_csv_cells_are_never_formulas():
    assert csvsafe.cell('=HYPERLINK("x")') == "'=HYPERLINK(\"x\")"
    assert csvsafe.cell("+1") == "+1" and csvsafe.cell("-3.5") == "-3.5"
    assert csvsafe.cell("@SUM(A1)") == "'@SUM(A1)" and csvsafe.cell("\tx") == "'\tx"
    assert csvsafe.cell("Orders") == "Orders" and csvsafe.cell(None) == ""


def test_console_dashboard_and_export(desk, console_client, api_client):
    client = console_client(desk["lead"])
    page = client.get("/reports/").content.decode()
    assert page.count('<svg class="chart"') >= 5 and "<script" not in page.split(
        "<main")[1].split("</main>")[0]
    assert "<title>Email: 2</title>" in page
    for value in PROFILE.values():
        assert value not in page
    exported = client.get("/reports/export.csv")
    assert exported["Content-Type"].startswith("text/csv")
    body = exported.content.decode()
    assert 'team load,"\'=HYPERLINK(""x"")",1' in body
    assert AuditEvent.objects.filter(action="report.export").count() == 1
    api = api_client(desk["lead"])
    summary = api.get("/api/v1/reports/summary").json()
    assert summary["created"] == 3 and summary["sla_first_response"]["rate"] == 1.0
    csv = api.get("/api/v1/reports/export", {"team_id": desk["orders"].pk})
    assert csv.status_code == 200 and b"volume,created,2" in csv.content
