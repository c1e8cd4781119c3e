"""Report phishing: one click takes the ticket out of every queue; the officer confirms
or releases it; the sender's reputation follows; each team's report rate — through the
service, the API, the console and the CLI."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.mailgateway import reports
from trustdesk.mailgateway.models import InboundMail, PhishingReport, Reputation
from trustdesk.tickets import selectors as ticket_selectors
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_team, make_user, make_customer, make_ticket, as_actor):
    team = make_team("Front line")
    agent = make_user("agent", teams=[team])
    crook = make_customer(full_name="IT Support", email="it.support@freemail.test")
    ticket = make_ticket(crook, subject="Your mailbox is full", team=team,
                         body="Re-enter your password at hxxp://evil.test to keep your mail.")
    message = ticket.messages.get()
    # As intake leaves it: the gateway had warned about the message.
    mail = InboundMail.objects.create(
        peer_ip="192.0.2.9", size=100, state=InboundMail.State.DELIVERED,
        ticket_id=ticket.pk, message_id=message.pk,
        checks={"phishing": {"verdict": "suspicious", "score": 48, "reasons": []}})
    return {"team": team, "agent": agent, "ticket": ticket, "mail": mail,
            "officer": make_user("security_officer"), "as_actor": as_actor}


def test_a_report_takes_the_ticket_out_of_every_queue_and_counts_against_the_sender(desk):
    agent = desk["as_actor"](desk["agent"])
    report = reports.report_phishing(actor=agent, ticket_id=desk["ticket"].pk,
                                     reason="Asks for my password")
    assert report.flagged and report.sender_domain == "freemail.test"
    with pytest.raises(NotFound):
        ticket_selectors.ticket_get(actor=agent, ticket_id=desk["ticket"].pk)
    assert not ticket_selectors.visible_tickets(agent).filter(pk=desk["ticket"].pk).exists()
    assert Reputation.objects.get(kind="domain", key="freemail.test").reports == 1
    assert reports.reputation_for("IT.Support@freemail.test", "freemail.test") == {
        "sender_reports": 1, "domain_reports": 1}
    event = AuditEvent.objects.get(action="mail.phishing.report")
    assert event.actor_user_id == desk["agent"].pk and event.context["flagged"] is True
    assert AuditEvent.objects.filter(action="ticket.hold").exists()


def test_nobody_reports_a_ticket_they_cannot_see(desk, make_user, make_team, as_actor):
    stranger = as_actor(make_user("agent", teams=[make_team("Elsewhere")]))
    with pytest.raises(NotFound):
        reports.report_phishing(actor=stranger, ticket_id=desk["ticket"].pk)
    with pytest.raises(PermissionDenied):
        reports.report_phishing(actor=desk["as_actor"](desk["officer"]),
                                ticket_id=desk["ticket"].pk)
    assert not PhishingReport.objects.exists()


def test_release_puts_it_back_and_confirm_closes_it_out_of_sight(desk, make_ticket):
    agent, officer = desk["as_actor"](desk["agent"]), desk["as_actor"](desk["officer"])
    report = reports.report_phishing(actor=agent, ticket_id=desk["ticket"].pk)
    with pytest.raises(PermissionDenied):
        reports.report_decide(actor=agent, report_id=report.pk, phishing=False)
    released = reports.report_decide(actor=officer, report_id=report.pk, phishing=False)
    assert released.state == "released"
    assert ticket_selectors.visible_tickets(agent).filter(pk=desk["ticket"].pk).exists()
    assert Reputation.objects.get(kind="domain", key="freemail.test").reports == 0
    again = reports.report_phishing(actor=agent, ticket_id=desk["ticket"].pk)
    confirmed = reports.report_decide(actor=officer, report_id=again.pk, phishing=True)
    assert confirmed.state == "confirmed"
    ticket = Ticket.objects.get(pk=desk["ticket"].pk)
    assert ticket.status == "closed" and ticket.held_at is not None
    assert not ticket_selectors.visible_tickets(agent).filter(pk=ticket.pk).exists()
    from trustdesk.core.errors import Conflict

    with pytest.raises(Conflict):
        reports.report_decide(actor=officer, report_id=again.pk, phishing=False)


def test_the_report_rate_per_team(desk, make_ticket):
    officer = desk["as_actor"](desk["officer"])
    # A second warned-about message nobody reported.
    other = make_ticket(subject="Invoice overdue", team=desk["team"])
    InboundMail.objects.create(
        peer_ip="192.0.2.9", size=100, state=InboundMail.State.DELIVERED,
        ticket_id=other.pk, message_id=other.messages.get().pk,
        checks={"phishing": {"verdict": "suspicious"}})
    report = reports.report_phishing(actor=desk["as_actor"](desk["agent"]),
                                     ticket_id=desk["ticket"].pk)
    PhishingReport.objects.filter(pk=report.pk).update(
        delivered_at=report.reported_at - dt.timedelta(minutes=12))
    [rate] = reports.report_rate(actor=officer)
    assert (rate.team, rate.flagged, rate.reported, rate.rate) == ("Front line", 2, 1, 0.5)
    assert rate.median_minutes == pytest.approx(12.0, abs=0.1)
    with pytest.raises(PermissionDenied):
        reports.report_rate(actor=desk["as_actor"](desk["agent"]))


def test_the_api_console_and_cli(desk, api_client, console_client, make_user):
    ticket = desk["ticket"]
    page = console_client(desk["agent"]).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Report phishing" in page and f"/tickets/{ticket.pk}/report-phishing/" in page
    response = console_client(desk["agent"]).post(f"/tickets/{ticket.pk}/report-phishing/",
                                                  {"reason": "fake IT"})
    assert response.status_code == 302
    report = PhishingReport.objects.get()
    officer_page = console_client(desk["officer"]).get("/mail/reports/").content.decode()
    assert f"#{ticket.pk}" in officer_page and "Front line" in officer_page
    assert api_client(desk["agent"]).get("/api/v1/mail/reports").status_code == 403
    listed = api_client(desk["officer"]).get("/api/v1/mail/reports").json()
    assert [r["id"] for r in listed] == [report.pk]
    rate = api_client(desk["officer"]).get("/api/v1/mail/report-rate").json()
    assert rate[0]["reported"] == 1
    admin = api_client(make_user("admin"))
    assert admin.post(f"/api/v1/mail/reports/{report.pk}/release").json()["state"] == \
        "released"
    out = StringIO()
    call_command("mail", "reports", "rate", stdout=out)
    assert "Front line: 1/1 reported (100%)" in out.getvalue()
    agent_api = api_client(desk["agent"])
    created = agent_api.post(f"/api/v1/tickets/{ticket.pk}/report-phishing",
                             {"reason": "again"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "open"
