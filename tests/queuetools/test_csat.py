"""Customer satisfaction: a ticket solved the first time gets one survey, emailed from
its support address (DKIM-signed, over real SMTP) with a signed link that names no
customer; the link takes one rating and refuses forgeries and old links; the results
appear per agent and team in the reports."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import dkim
import pytest

from mail_outbound import SmtpSink, use_relay
from planted import PROFILE
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, Gone, NotFound, ValidationError
from trustdesk.jobs.worker import run_pending
from trustdesk.mailgateway import routes
from trustdesk.tickets import csat, reports, services
from trustdesk.tickets.models import Survey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(make_user, make_team, make_customer, make_ticket, settings):
    settings.CONSOLE_URL = "https://desk.example.com"
    team = make_team("Orders")
    admin = make_user("admin")
    grace = make_user("agent", teams=[team], name="Grace Agent")
    route = routes.route_create(actor=actor_for_user(admin), address="help@acme.example",
                                name="Acme Help", team_id=team.pk)
    ada = make_customer(**PROFILE)
    ticket = make_ticket(ada, team=team, subject="Card charged twice", channel="email")
    services.ticket_update(actor=actor_for_user(grace), ticket_id=ticket.pk,
                           assignee_id=grace.pk)
    return {"team": team, "grace": grace, "g": actor_for_user(grace), "route": route,
            "ticket": ticket}


def _solve(desk, settings):
    with SmtpSink() as sink:
        use_relay(settings, sink.port)
        services.ticket_update(actor=desk["g"], ticket_id=desk["ticket"].pk,
                               status="solved")
        run_pending()
    return sink.received


def test_solving_sends_one_signed_survey_naming_the_ticket_only(desk, settings):
    [sent] = _solve(desk, settings)
    assert sent.rcpt_tos == [PROFILE["email"]]
    assert dkim.verify(sent.data, dnsfunc=lambda name, timeout=5: (
        f"v=DKIM1; k=rsa; p={desk['route'].dkim_public}".encode()))
    mail = email.message_from_bytes(sent.data, policy=email.policy.default)
    assert mail["Subject"] == f"How did we do? [#{desk['ticket'].pk}]"
    body = mail.get_content()
    assert "https://desk.example.com/survey/" in body
    for secret in ("Card charged", "Ada", "Lovelace", PROFILE["phone"]):
        assert secret not in body and secret not in mail["Subject"]
    survey = Survey.objects.get()
    assert survey.agent_user_id == desk["grace"].pk and survey.sent_at is not None
    # Reopened and solved again: no second survey.
    services.ticket_update(actor=desk["g"], ticket_id=desk["ticket"].pk, status="open")
    assert _solve(desk, settings) == [] and Survey.objects.count() == 1


def test_the_link_takes_one_rating(desk, settings):
    _solve(desk, settings)
    signed = csat.token(Survey.objects.get())
    with pytest.raises(ValidationError):
        csat.answer(signed=signed, rating="11")
    assert csat.answer(signed=signed, rating="4").rating == 4
    with pytest.raises(Conflict):
        csat.answer(signed=signed, rating=1)
    with pytest.raises(NotFound):
        csat.answer(signed=signed[:-2] + "xx", rating=5)
    assert AuditEvent.objects.filter(action="survey.answer").count() == 1


def test_an_old_link_is_gone(desk, settings, monkeypatch):
    _solve(desk, settings)
    signed = csat.token(Survey.objects.get())
    later = dt.datetime.now().timestamp() + (csat.VALID_DAYS + 1) * 86400
    monkeypatch.setattr("time.time", lambda: later)
    with pytest.raises(Gone):
        csat.answer(signed=signed, rating=5)


def test_the_page_and_the_report(desk, settings, client, make_user, console_client):
    _solve(desk, settings)
    signed = csat.token(Survey.objects.get())
    page = client.get(f"/survey/{signed}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"#{desk['ticket'].pk}" in text and "Card charged" not in text
    assert PROFILE["full_name"] not in text
    assert client.post(f"/survey/{signed}/", {"rating": "5"}).status_code == 200
    assert "recorded already" in client.get(f"/survey/{signed}/").content.decode()
    assert client.get("/survey/forged-token/").status_code == 404
    lead = make_user("supervisor", teams=[desk["team"]])
    r = reports.report(actor=actor_for_user(lead))
    [team] = r.csat_teams
    assert (team.label, team.sent, team.answered, team.satisfied) == ("Orders", 1, 1, 1.0)
    assert [a.label for a in r.csat_agents] == ["Grace Agent"]
    dashboard = console_client(lead).get("/reports/").content.decode()
    assert "<title>Orders: 100%</title>" in dashboard and "data-csat-agents" in dashboard


def test_no_public_address_no_survey_mail(desk, settings):
    settings.CONSOLE_URL = ""
    assert _solve(desk, settings) == []
    assert Survey.objects.get().sent_at is None
