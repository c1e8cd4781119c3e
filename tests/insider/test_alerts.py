"""The hourly insider scan over the real audit trail: alerts stored once, routed to the
security officers only, worked (acknowledge, dismiss and its suppression, incident), per
role, in the console and the API (docs/insider.md, "Alerts")."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from trustdesk.access.models import Alert
from trustdesk.access.roles import ROLE_PERMISSIONS
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, PermissionDenied, ValidationError
from trustdesk.grc.models import Incident
from trustdesk.insider import detect, jobs, scan, selectors, services
from trustdesk.insider.models import InsiderAlert, ScanState

pytestmark = pytest.mark.django_db(transaction=False)
M = dt.timedelta(minutes=1)


@pytest.fixture
def freeze(monkeypatch):
    def move(at: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)
    return move


@pytest.fixture
def t0():
    return clock.now().replace(microsecond=0)


@pytest.fixture
def leaver(make_user):
    return make_user("agent")


@pytest.fixture
def officer_user(make_user):
    return make_user("security_officer")


@pytest.fixture
def officer(officer_user):
    return actor_for_user(officer_user)


def _plant(user, at: dt.datetime, freeze, customers: int = 3) -> list[int]:
    """An account disabled at ``at``, then its owner opening customers: the departure
    detector's clearest case (any action after a disable scores 90)."""
    who = actor_for_user(user)
    ids = []
    with transaction.atomic():
        freeze(at - 30 * M)
        record(actor=who, action="ticket.list", object_type="ticket")
        freeze(at)
        record(actor=Actor.system("tests"), action="agent.update", object_type="agent",
               object_id=user.pk, fields=["is_active"], context={"is_active": False})
        for n in range(customers):
            freeze(at + (n + 1) * M)
            ids.append(record(actor=who, action="customer.view", object_type="customer",
                              object_id=str(uuid.uuid4())).pk)
    return ids


def _emails_queued() -> list[tuple[int, int]]:
    rows = DBTaskResult.objects.filter(task_path__endswith="insider_alert_email")
    return [tuple(r.args_kwargs["args"]) for r in rows]


def test_the_scan_stores_an_alert_once_and_tells_the_officers_only(
        leaver, officer_user, make_user, freeze, t0):
    auditor = make_user("auditor")
    make_user("supervisor")
    make_user("admin")
    views = _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    done = scan.scan()
    assert done.created == 1 and done.notified == 1
    a = InsiderAlert.objects.get()
    assert (a.detector, a.actor_label, a.actor_user_id, a.score, a.status) == (
        "departure", leaver.email, leaver.pk, 90, "open")
    assert a.first_at == t0 + M and a.last_at == t0 + 3 * M
    assert {e["id"] for e in a.evidence} == set(views)
    assert "after the account was disabled" in a.evidence[0]["what"]
    # The trail says so: the SIEM export carries insider.alert events.
    event = AuditEvent.objects.filter(action="insider.alert").get()
    assert event.object_id == str(a.pk)
    # Once: re-running (nothing new, or forced over the same window) adds nothing.
    assert scan.scan() == scan.Scanned(0, 0, 0, 0, 0)
    assert scan.scan(force=True).created == 0
    assert InsiderAlert.objects.count() == 1
    assert ScanState.objects.get().last_event_id >= max(views)
    # One email, to the security officer: never the auditor, a supervisor, the person.
    queued = _emails_queued()
    assert queued == [(a.pk, officer_user.pk)]
    mail.outbox.clear()
    assert jobs.insider_alert_email.call(a.pk, officer_user.pk)
    assert jobs.insider_alert_email.call(a.pk, leaver.pk) is False
    assert jobs.insider_alert_email.call(a.pk, auditor.pk) is False
    (sent,) = mail.outbox
    assert sent.to == [officer_user.email]
    assert "departure" in sent.subject and leaver.email in sent.subject
    assert "customer" not in sent.body.lower()


def test_more_of_the_same_updates_the_alert(leaver, officer_user, freeze, t0):
    _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    scan.scan()
    with transaction.atomic():
        freeze(t0 + 70 * M)
        record(actor=actor_for_user(leaver), action="customer.view", object_type="customer",
               object_id=str(uuid.uuid4()))
    freeze(t0 + 80 * M)
    done = scan.scan()
    assert (done.created, done.updated) == (0, 1)
    a = InsiderAlert.objects.get()
    assert a.last_at == t0 + 70 * M and len(a.evidence) == 4
    assert len(_emails_queued()) == 1  # told once


def test_acknowledge_dismiss_and_suppression(leaver, officer, officer_user, freeze, t0,
                                             settings):
    _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    scan.scan()
    a = InsiderAlert.objects.get()
    services.alert_acknowledge(actor=officer, alert_id=a.pk)
    with pytest.raises(Conflict):
        services.alert_acknowledge(actor=officer, alert_id=a.pk)
    with pytest.raises(ValidationError):
        services.alert_dismiss(actor=officer, alert_id=a.pk, reason="  ")
    services.alert_dismiss(actor=officer, alert_id=a.pk, reason="Kept access by mistake")
    a.refresh_from_db()
    assert (a.status, a.handled_by, a.dismiss_reason, a.dismissed_score) == (
        "dismissed", officer.label, "Kept access by mistake", 90)
    actions = list(AuditEvent.objects.filter(object_type="insider_alert")
                   .values_list("action", flat=True))
    assert actions == ["insider.alert", "insider.acknowledge", "insider.dismiss"]
    # Seeing the same window again updates the dismissed alert, quietly.
    assert scan.scan(force=True).updated == 0
    assert InsiderAlert.objects.get().status == "dismissed"

    # The same detector and person in a new window, a week later: suppressed, unless the
    # score rises well above the dismissed one, or once the suppression has run out.
    def later(score, days=7):
        at = t0 + dt.timedelta(days=days + 30)
        new = detect.Alert(detector="departure", actor=leaver.email, score=score,
                           first_at=at, last_at=at + M, evidence=[("", "again")])
        freeze(t0 + dt.timedelta(days=days))
        with transaction.atomic():
            return scan.store(new, user_id=leaver.pk, now=clock.now(), ids={})[0]

    assert later(95) == "suppressed"
    settings.INSIDER_SUPPRESS_RISE = 5
    assert later(95, days=8) == "created"
    settings.INSIDER_SUPPRESS_RISE = 15
    assert later(60, days=15) == "created"  # past the 14 days
    assert InsiderAlert.objects.count() == 3


def test_an_incident_from_an_alert_links_it(leaver, officer, freeze, t0):
    _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    scan.scan()
    a = InsiderAlert.objects.get()
    with pytest.raises(ValidationError):
        services.alert_incident(actor=officer, alert_id=a.pk, kind="phishing")
    services.alert_incident(actor=officer, alert_id=a.pk, kind="account_compromise")
    a.refresh_from_db()
    incident = Incident.objects.get()
    link = Alert.objects.get(kind=Alert.Kind.INSIDER)
    assert (a.status, a.incident_id, a.access_alert_id) == ("incident", incident.pk, link.pk)
    assert incident.kind == "account_compromise" and incident.alert_ids == [link.pk]
    assert link.actor_user_id == leaver.pk
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=officer, alert_id=a.pk, reason="late")
    d = selectors.alert_detail(actor=officer, alert_id=a.pk)
    assert d.row.incident_id == incident.pk
    assert [t.action for t in d.timeline] == ["customer.view"] * 3
    # Looking at a colleague's alert is on the record too.
    viewed = AuditEvent.objects.filter(action="insider.alert_view").latest("id")
    assert (viewed.object_id, viewed.actor_label) == (str(a.pk), officer.label)
    selectors.alert_list(actor=officer)
    assert AuditEvent.objects.filter(action="insider.alert_list").exists()


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_permissions_per_role(role, leaver, make_user, freeze, t0, api_client,
                              console_client):
    _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    scan.scan()
    a = InsiderAlert.objects.get()
    user = make_user(role, mfa=True)
    who = actor_for_user(user)
    held = ROLE_PERMISSIONS[role]
    may_view, may_manage = "insider.view" in held, "insider.manage" in held
    assert may_view == (role in ("security_officer", "auditor"))
    assert may_manage == (role == "security_officer")
    if may_view:
        assert [r.id for r in selectors.alert_list(actor=who)] == [a.pk]
    else:
        with pytest.raises(PermissionDenied):
            selectors.alert_list(actor=who)
    api = api_client(user)
    assert api.get("/api/v1/insider/alerts").status_code == (200 if may_view else 403)
    r = api.get(f"/api/v1/insider/alerts/{a.pk}")
    assert r.status_code == (200 if may_view else 403)
    if may_view:
        assert r.json()["timeline"][0]["action"] == "customer.view"
    r = api.post(f"/api/v1/insider/alerts/{a.pk}/acknowledge")
    assert r.status_code == (200 if may_manage else 403)
    r = api.post(f"/api/v1/insider/alerts/{a.pk}/dismiss", data={"reason": "ok"},
                 content_type="application/json")
    assert r.status_code == (200 if may_manage else 403)
    a.refresh_from_db()
    assert a.status == ("dismissed" if may_manage else "open")
    console = console_client(user)
    page = console.get("/security/insider/?status=all")
    assert (page.status_code == 200) == may_view
    if may_view:
        assert leaver.email in page.content.decode()
        detail = console.get(f"/security/insider/{a.pk}/").content.decode()
        assert "customer.view" in detail
        # Dismissed already, or not theirs to work: no buttons.
        assert f"/security/insider/{a.pk}/dismiss/" not in detail


def test_the_console_works_an_alert(leaver, officer_user, freeze, t0, console_client):
    _plant(leaver, t0, freeze)
    freeze(t0 + 60 * M)
    scan.scan()
    a = InsiderAlert.objects.get()
    console = console_client(officer_user)
    page = console.get("/security/insider/").content.decode()
    assert f'data-person="{leaver.email}"' in page and "departure" in page
    detail = console.get(f"/security/insider/{a.pk}/").content.decode()
    assert "Acknowledge" in detail and "Dismiss" in detail and "Open an incident" in detail
    console.post(f"/security/insider/{a.pk}/acknowledge/")
    a.refresh_from_db()
    assert a.status == "acknowledged"
    console.post(f"/security/insider/{a.pk}/dismiss/", {"reason": ""})
    a.refresh_from_db()
    assert a.status == "acknowledged"
    r = console.post(f"/security/insider/{a.pk}/incident/", {"kind": "data_breach"})
    a.refresh_from_db()
    assert a.status == "incident" and r.status_code == 302
    assert r["Location"].endswith(f"/incidents/{a.incident_id}/")


def test_the_scan_is_scheduled_hourly():
    from trustdesk.jobs.registry import schedules

    (s,) = [s for s in schedules() if s.name == "insider.scan"]
    assert s.every == dt.timedelta(hours=1) and s.job is jobs.insider_scan
