"""An incident end to end through the use cases: opened from an alert, its playbook's
steps, the 72-hour clock from awareness, the reminder then the breach flag, the notice's
evidence, acting steps that really sign an agent out and revoke their tokens, the report
exported; and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD
from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import (
    Conflict,
    PermissionDenied,
    ReauthenticationRequired,
    ValidationError,
)
from trustdesk.grc import actions, notices, report, selectors, services, watch
from trustdesk.grc.models import Incident, NoticeClock

from .conftest import T0

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}
                       ).status_code == 302
    return client


def _breach(officer, owner, alert, **kwargs):
    fields = dict(kind="data_breach", severity="high", title="Customer list reached",
                  owner_id=owner.pk, aware_at=T0, alert_ids=[alert.pk],
                  categories=["contact"])
    return services.incident_open(actor=officer, **{**fields, **kwargs})


def _step(incident, action):
    return incident.steps.get(action=action)


def test_a_data_breach_from_an_alert_runs_its_clock_and_playbook(
        officer, officer_user, alert, freeze, make_customer, settings):
    settings.NOTIFY_BY_EMAIL = True
    freeze(T0 + 2 * H)
    customer = make_customer()
    incident = _breach(officer, officer_user, alert, customer_ids=[customer.id])
    # The playbook's steps, copied at opening; the authority's clock, 72 h from awareness.
    assert incident.steps.count() == 7
    c = incident.clocks.get()
    assert (c.kind, c.due_at) == ("authority", T0 + 72 * H)
    d = selectors.incident_detail(actor=officer, incident_id=incident.pk)
    assert d.alert_ids == (alert.pk,) and d.customers == 1
    assert d.customer_short_ids == (str(customer.id)[:8],)
    assert d.row.clocks[0].seconds_left == 70 * 3600 and d.row.clocks[0].left == "70 h 0 min"
    assert [t.action for t in d.timeline] == ["incident.open"]
    # 24 h before it falls due, officers are reminded once.
    freeze(T0 + 50 * H)
    assert watch.watch() == watch.Watched(breached=0, reminded=1)
    assert watch.watch() == watch.Watched(breached=0, reminded=0)
    assert NoticeClock.objects.get().reminded_at == T0 + 50 * H
    # The reminder mail (a job per officer) names the incident and the deadline only.
    from trustdesk.grc import jobs

    assert jobs.incident_reminder_email.call(NoticeClock.objects.get().pk, officer_user.pk)
    assert mail.outbox[-1].to == [officer_user.email]
    assert f"Incident {incident.pk}" in mail.outbox[-1].subject
    assert "Customer list" not in mail.outbox[-1].body
    # Past due and unsent: flagged, once, with an alert for security officers.
    freeze(T0 + 73 * H)
    assert watch.watch() == watch.Watched(breached=1, reminded=0)
    assert watch.watch().breached == 0
    assert Alert.objects.filter(kind=Alert.Kind.INCIDENT_CLOCK).count() == 1
    # The notice goes out late: the evidence is recorded, and refused a second time.
    sent = notices.notice_record(actor=officer, incident_id=incident.pk,
                                 clock_kind="authority", recipient="ICO",
                                 reference="Case IC-123")
    assert (sent.sent_at, sent.sent_by, sent.reference) == (T0 + 73 * H, officer.label,
                                                            "Case IC-123")
    with pytest.raises(Conflict, match="not recorded twice"):
        notices.notice_record(actor=officer, incident_id=incident.pk,
                              clock_kind="authority", recipient="ICO", reference="again")
    actions_seen = [t.action for t in selectors.timeline(incident.pk)]
    assert actions_seen == ["incident.open", "incident.remind", "incident.breach",
                            "incident.notice"]
    assert AuditEvent.objects.filter(action="incident.notice").count() == 1


def test_high_risk_starts_the_peoples_clock_and_hipaa_is_opt_in(
        officer, officer_user, alert, freeze, settings):
    freeze(T0)
    settings.INCIDENT_SUBJECTS_HOURS, settings.INCIDENT_HIPAA = 48, True
    incident = _breach(officer, officer_user, alert)
    assert set(incident.clocks.values_list("kind", flat=True)) == {"authority", "hipaa"}
    services.incident_update(actor=officer, incident_id=incident.pk, high_risk=True)
    due = dict(incident.clocks.values_list("kind", "due_at"))
    assert due["subjects"] == T0 + 48 * H and due["hipaa"] == T0 + dt.timedelta(days=60)


def test_acting_steps_sign_an_agent_out_and_revoke_their_tokens(
        officer, unconfirmed, officer_user, alert, make_user, api_client, freeze):
    agent = make_user("agent")
    browser, api = _signed_in(agent), api_client(agent)
    assert browser.get("/tickets/").status_code == 200
    incident = _breach(officer, officer_user, alert)
    sign_out = _step(incident, "sign_out")
    # Acting needs a fresh re-authentication, and writes nothing without it.
    with pytest.raises(ReauthenticationRequired):
        actions.step_act(actor=unconfirmed, incident_id=incident.pk, step_id=sign_out.pk,
                         user_ids=[agent.pk])
    assert browser.get("/tickets/").status_code == 200
    done = actions.step_act(actor=officer, incident_id=incident.pk, step_id=sign_out.pk,
                            user_ids=[agent.pk])
    assert done.result["totals"] == {"sessions_ended": 1}
    assert browser.get("/tickets/").status_code == 302  # their session really ended
    assert api.get("/api/v1/me").status_code == 200     # tokens are a step of their own
    revoke = actions.step_act(actor=officer, incident_id=incident.pk,
                              step_id=_step(incident, "revoke_tokens").pk, user_ids=[agent.pk])
    assert revoke.result["totals"] == {"tokens_revoked": 1}
    assert api.get("/api/v1/me").status_code == 401
    with pytest.raises(Conflict):  # a step is done once
        actions.step_act(actor=officer, incident_id=incident.pk, step_id=sign_out.pk,
                         user_ids=[agent.pk])
    acts = AuditEvent.objects.filter(action="incident.act", object_id=str(incident.pk))
    assert acts.count() == 2


def test_password_reset_and_suspension(officer, officer_user, alert, make_user):
    agent = make_user("agent")
    incident = services.incident_open(
        actor=officer, kind="lost_device", severity="medium", title="Laptop left on a train",
        owner_id=officer_user.pk, aware_at=T0)
    assert not incident.clocks.exists()  # no personal data recorded: no clock
    step = _step(incident, "suspend")
    result = actions.step_act(actor=officer, incident_id=incident.pk, step_id=step.pk,
                              user_ids=[agent.pk]).result
    assert result["totals"]["suspended"] == 1
    agent.refresh_from_db()
    assert not agent.is_active
    other = make_user("agent")
    book = services.incident_open(actor=officer, kind="account_compromise", severity="high",
                                  title="Password reused", owner_id=officer_user.pk,
                                  aware_at=T0)
    actions.step_act(actor=officer, incident_id=book.pk,
                     step_id=_step(book, "password_reset").pk, user_ids=[other.pk])
    other.refresh_from_db()
    assert not other.has_usable_password()


def test_a_key_rotation_is_enqueued_not_run(officer, officer_user, alert):
    from django_tasks_db.models import DBTaskResult

    incident = _breach(officer, officer_user, alert)
    step = actions.step_act(actor=officer, incident_id=incident.pk,
                            step_id=_step(incident, "rotate_keys").pk)
    job = DBTaskResult.objects.get(pk=step.result["rotation_job"])
    assert job.status == "READY" and job.task_path.endswith("rotate_keys")


def test_the_report_exports_as_html_and_pdf(officer, officer_user, alert):
    incident = _breach(officer, officer_user, alert)
    services.report_save(actor=officer, incident_id=incident.pk,
                         cause="A reused password", actions_planned="Enforce MFA")
    services.step_done(actor=officer, incident_id=incident.pk,
                       step_id=incident.steps.get(position=1).pk)
    kind, html, name = report.report_export(actor=officer, incident_id=incident.pk,
                                            fmt="html")
    text = html.decode()
    assert kind.startswith("text/html") and name == f"incident-{incident.pk}-report.html"
    assert "Timeline" in text and "Opened" in text and "Playbook step done" in text
    assert "A reused password" in text and "GDPR Art. 33(1)" in text
    kind, pdf, _ = report.report_export(actor=officer, incident_id=incident.pk, fmt="pdf")
    assert pdf.startswith(b"%PDF") and kind == "application/pdf"
    assert AuditEvent.objects.filter(action="incident.export").count() == 2


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "alien_invasion"}, "kind"),
    ({"categories": ["medical"]}, "categories"),
    ({"aware_at": T0 + dt.timedelta(days=3)}, "aware_at"),
    ({"severity": "apocalyptic"}, "severity"),
    ({"title": "  "}, "title"),
])
def test_bad_input_is_refused_and_writes_nothing(officer, officer_user, alert, freeze,
                                                 change, field):
    freeze(T0)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _breach(officer, officer_user, alert, **change)
    assert caught.value.field == field
    assert not Incident.objects.exists() and AuditEvent.objects.count() == before


def test_roles(make_user, as_actor, officer, officer_user, alert):
    incident = _breach(officer, officer_user, alert)
    for role in ("privacy_officer", "auditor"):
        reader = as_actor(make_user(role))
        assert selectors.incident_list(actor=reader)[0].id == incident.pk
        with pytest.raises(PermissionDenied):
            services.incident_update(actor=reader, incident_id=incident.pk, severity="low")
    agent = as_actor(make_user("agent"))
    with pytest.raises(PermissionDenied):
        selectors.incident_list(actor=agent)
    with pytest.raises(PermissionDenied):
        actions.step_act(actor=as_actor(make_user("admin")), incident_id=incident.pk,
                         step_id=_step(incident, "sign_out").pk, user_ids=[officer_user.pk])
