"""Service levels: the matching policy sets a ticket's targets, a reply meets the first,
pending pauses the resolution clock and the time left carries on, business hours count
only while the team is open, the queue sorts by what falls due and marks breaches."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock
from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.tickets import selectors, services, sla, sla_settings
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team, system):
    team = make_team("Orders")
    admin = make_user("admin")
    agent = make_user("agent", teams=[team], name="Grace Agent")
    boss = actor_for_user(admin)
    sla_settings.policy_save(actor=boss, name="Urgent mail", priority="urgent",
                             channel="email", first_response_minutes=60,
                             resolution_minutes=240, business_hours=False, position=10)
    sla_settings.policy_save(actor=boss, name="Everything else", first_response_minutes=480,
                             business_hours=False, position=50)
    return {"team": team, "admin": admin, "boss": boss, "agent": agent,
            "who": actor_for_user(agent)}


def _later(monkeypatch, ticket, **delta):
    moment = ticket.created_at + dt.timedelta(**delta)
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


def test_the_first_matching_policy_sets_the_targets(desk, make_ticket):
    urgent = make_ticket(team=desk["team"], priority="urgent", channel="email")
    assert urgent.sla_policy.name == "Urgent mail"
    assert urgent.first_response_due_at == urgent.created_at + dt.timedelta(minutes=60)
    assert urgent.resolution_due_at == urgent.created_at + dt.timedelta(minutes=240)
    assert urgent.next_due_at == urgent.first_response_due_at
    web = make_ticket(team=desk["team"], priority="urgent", channel="web")
    assert web.sla_policy.name == "Everything else" and web.resolution_due_at is None
    # A priority change applies the policy of the new priority, from the creation.
    changed = services.ticket_update(actor=desk["who"], ticket_id=web.pk, priority="low")
    assert changed.sla_policy.name == "Everything else"
    email = make_ticket(team=desk["team"], priority="low", channel="email")
    upgraded = services.ticket_update(actor=desk["who"], ticket_id=email.pk,
                                      priority="urgent")
    assert upgraded.first_response_due_at == email.created_at + dt.timedelta(minutes=60)


def test_reply_meets_the_first_target_and_pending_pauses_resolution(desk, make_ticket,
                                                                    monkeypatch, system):
    ticket = make_ticket(team=desk["team"], priority="urgent", channel="email")
    _later(monkeypatch, ticket, minutes=30)
    services.ticket_reply(actor=desk["who"], ticket_id=ticket.pk, body="On it.")
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.first_responded_at is not None
    assert ticket.next_due_at is None  # pending: nothing is running
    states = {t.kind: t.state for t in sla.timers(ticket)}
    assert states == {"first_response": "met", "resolution": "paused"}
    # Two hours later the customer answers: the 210 minutes left start again from now.
    answered = _later(monkeypatch, ticket, minutes=150)
    services.ticket_add_inbound(actor=system, ticket_id=ticket.pk, body="Still broken.")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.paused_at is None
    assert ticket.resolution_due_at == answered + dt.timedelta(minutes=210)
    assert ticket.next_due_at == ticket.resolution_due_at
    _later(monkeypatch, ticket, minutes=150 + 200)
    assert {t.kind: t.state for t in sla.timers(ticket)}["resolution"] == "at_risk"
    _later(monkeypatch, ticket, minutes=150 + 220)
    assert {t.kind: t.state for t in sla.timers(ticket)}["resolution"] == "breached"
    services.ticket_update(actor=desk["who"], ticket_id=ticket.pk, status="solved")
    ticket.refresh_from_db()
    assert ticket.next_due_at is None
    assert {t.kind: t.state for t in sla.timers(ticket)}["resolution"] == "missed"


def test_business_hours_count_only_while_the_team_is_open(desk, make_ticket):
    sla_settings.hours_set(actor=desk["boss"], team_id=desk["team"].pk,
                           timezone="Europe/London",
                           schedule={d: [["09:00", "17:00"]]
                                     for d in ("mon", "tue", "wed", "thu", "fri")},
                           holidays=["2026-12-28"])
    sla_settings.policy_save(actor=desk["boss"], name="Normal, business hours",
                             priority="normal", first_response_minutes=120, position=1)
    ticket = make_ticket(team=desk["team"])
    friday = dt.datetime(2026, 12, 25, 16, 0, tzinfo=ZoneInfo("Europe/London"))
    Ticket.objects.filter(pk=ticket.pk).update(created_at=friday)
    ticket.refresh_from_db()
    sla.apply_policy(ticket)
    # Fri 16:00 + 2 working hours: one on Friday, Monday the 28th is a holiday.
    assert ticket.first_response_due_at == dt.datetime(2026, 12, 29, 10, 0,
                                                       tzinfo=ZoneInfo("Europe/London"))


def test_the_queue_sorts_by_what_falls_due_and_the_api_says_where_it_stands(
        desk, make_ticket, api_client, console_client, monkeypatch):
    later = make_ticket(team=desk["team"], priority="normal")  # 480 minutes
    sooner = make_ticket(team=desk["team"], priority="urgent", channel="email")  # 60
    page = selectors.ticket_list(actor=desk["who"], filters=selectors.TicketFilters(
        order="due"))
    assert [r.ticket.pk for r in page.items] == [sooner.pk, later.pk]
    _later(monkeypatch, sooner, minutes=90)
    body = api_client(desk["agent"]).get(f"/api/v1/tickets/{sooner.pk}").json()
    assert body["sla"][0] == {**body["sla"][0], "kind": "first_response",
                              "state": "breached", "minutes": -30}
    queue = console_client(desk["agent"]).get("/tickets/", {"order": "due"}).content.decode()
    assert 'data-sla="breached"' in queue and "overdue 30m" in queue


@pytest.mark.parametrize("values, field", [
    ({"name": ""}, "name"), ({"name": "x", "priority": "sometimes",
                              "first_response_minutes": 5}, "priority"),
    ({"name": "x"}, "first_response_minutes"),
    ({"name": "x", "first_response_minutes": 0}, "first_response_minutes"),
    ({"name": "x", "resolution_minutes": True}, "resolution_minutes"),
])
def test_bad_policies_are_refused(desk, values, field):
    with pytest.raises(ValidationError) as raised:
        sla_settings.policy_save(actor=desk["boss"], **values)
    assert raised.value.field == field


def test_only_team_managers_change_service_levels(desk):
    with pytest.raises(PermissionDenied):
        sla_settings.policy_save(actor=desk["who"], name="Mine", first_response_minutes=1)
    with pytest.raises(PermissionDenied):
        sla_settings.hours_set(actor=desk["who"], team_id=desk["team"].pk, timezone="UTC",
                               schedule={"mon": [["09:00", "17:00"]]})
    with pytest.raises(ValidationError, match="time zone"):
        sla_settings.hours_set(actor=desk["boss"], team_id=desk["team"].pk,
                               timezone="Nowhere/Else", schedule={"mon": [["9", "5"]]})
    assert len(sla_settings.policy_list(actor=desk["who"])) == 2
    assert AuditEvent.objects.filter(action="sla.policy_create").count() == 2


def test_api_and_console_settings(desk, api_client, console_client):
    api = api_client(desk["admin"])
    made = api.post("/api/v1/sla/policies", {"name": "VIP", "first_response_minutes": 15,
                                              "position": 1}, content_type="application/json")
    assert made.status_code == 201, made.content
    patched = api.patch(f"/api/v1/sla/policies/{made.json()['id']}", {"active": False},
                        content_type="application/json")
    assert patched.json()["active"] is False
    hours = api.put(f"/api/v1/teams/{desk['team'].pk}/hours", {
        "timezone": "Asia/Shanghai", "schedule": {"mon": [["09:00", "18:00"]]}},
        content_type="application/json")
    assert hours.status_code == 200, hours.content
    assert api.get(f"/api/v1/teams/{desk['team'].pk}/hours").json()["timezone"] == \
        "Asia/Shanghai"
    assert api_client(desk["agent"]).post("/api/v1/sla/policies", {
        "name": "x", "first_response_minutes": 5},
        content_type="application/json").status_code == 403
    console = console_client(desk["admin"])
    assert "Urgent mail" in console.get("/sla/").content.decode()
    saved = console.post(f"/sla/teams/{desk['team'].pk}/hours/", {
        f"t{desk['team'].pk}-timezone": "Europe/London",
        f"t{desk['team'].pk}-schedule": "mon-fri 09:00-12:00, 13:00-17:00\nsat 10:00-14:00",
        f"t{desk['team'].pk}-holidays": "2026-12-25, 2026-12-26"})
    assert saved.status_code == 302
    row = sla_settings.hours_get(actor=desk["boss"], team_id=desk["team"].pk)
    assert row.schedule["fri"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert row.schedule["sat"] == [["10:00", "14:00"]] and "sun" not in row.schedule
    added = console.post("/sla/", {"p-name": "Phone", "p-channel": "phone",
                                   "p-first_response_minutes": "10", "p-position": "5"})
    assert added.status_code == 302
    assert console_client(desk["agent"]).get("/sla/").status_code == 403
