"""The mail gateway's pages in a real browser, under the production Content-Security-
Policy: the verdict banner on a ticket, an agent's Report phishing, and the security
officer's suspended queue and phishing reports, where they release and confirm."""

from __future__ import annotations

import re

import pytest

from signin import browser_sign_in as _sign_in
from trustdesk.mailgateway import gateway, policy
from trustdesk.mailgateway.models import InboundMail, PhishingReport, Route
from trustdesk.tickets.models import Ticket

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def desk(make_team, make_user, make_customer, make_ticket):
    team = make_team("Front line")
    agent = make_user("agent", teams=[team], name="Grace Agent")
    crook = make_customer(full_name="IT Support", email="it.support@freemail.test")
    ticket = make_ticket(crook, subject="Your mailbox is full", team=team,
                         body="Re-enter your password to keep your mail.")
    # As intake leaves a message the gateway warned about.
    InboundMail.objects.create(
        peer_ip="192.0.2.9", size=100, state=InboundMail.State.DELIVERED,
        ticket_id=ticket.pk, message_id=ticket.messages.get().pk,
        checks={"from_domain": "freemail.test", "authenticated": False,
                "reply_to_differs": True,
                "impersonation": "The sender calls themself “IT Support”, a role inside "
                                 "the company, but writes from freemail.test, not from a "
                                 "company address.",
                "phishing": {"verdict": "suspicious", "score": 48, "reasons": []}})
    return {"team": team, "agent": agent, "ticket": ticket}


def test_an_agent_sees_the_banner_and_reports_phishing(browser_page, desk):
    page, problems = browser_page
    _sign_in(page, desk["agent"])
    page.goto(f"/tickets/{desk['ticket'].pk}/")
    banner = page.locator("[data-mail-warnings]")
    expect(banner).to_contain_text("reply-to differs from the sender")
    expect(banner).to_contain_text("IT Support")
    page.get_by_text("Report phishing").click()
    form = page.locator("form[data-report-phishing]")
    expect(form).to_be_visible()
    form.locator("input[name=reason]").fill("Asks for my password")
    with page.expect_navigation(url="**/tickets/"):
        form.get_by_role("button", name=re.compile("Report and remove")).click()
    expect(page.locator(".flash-success")).to_contain_text("reported as phishing")
    expect(page.locator("tr[data-href]")).to_have_count(0)  # out of the queue
    assert PhishingReport.objects.get().reason == "Asks for my password"
    assert Ticket.objects.get(pk=desk["ticket"].pk).held_at is not None
    assert not problems.all(), problems.all()


def test_an_officer_releases_suspended_mail_and_decides_a_report(browser_page, desk,
                                                               make_user, system):
    from trustdesk.mailgateway import reports

    page, problems = browser_page
    route = Route.objects.create(address="support@acme.test")
    raw = (b"From: Bob <bob@quarantine.test>\r\nTo: support@acme.test\r\n"
           b"Subject: Please call me\r\n\r\nHello.\r\n")
    decision = policy.Decision(action="suspend", reason="dmarc_quarantine",
                               text="The sender's domain asks for failing mail to be "
                                    "quarantined, and this message failed DMARC.",
                               checks={"from_domain": "quarantine.test",
                                       "dmarc": {"result": "fail",
                                                 "domain": "quarantine.test"}})
    held = gateway.store(gateway.Envelope(peer_ip="192.0.2.1", helo="mx.quarantine.test",
                                          mail_from="bob@quarantine.test",
                                          recipients=(route.address,)),
                         raw, route=route, decision=decision)
    report = reports.report_phishing(actor=system, ticket_id=desk["ticket"].pk)
    officer = make_user("security_officer")
    _sign_in(page, officer, code_for=officer.totp_secret)

    page.goto("/mail/")
    expect(page.get_by_role("heading", name="Mail gateway")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"\d+ \w+, \d\d:\d\d")).first.click()
    expect(page.locator(".flash-warning").first).to_contain_text(
        "failed DMARC for quarantine.test")
    expect(page.locator("dl.kv")).to_contain_text("[address withheld] @quarantine.test")
    page.locator("input[name=reason]").first.fill("Checked by phone")
    with page.expect_navigation(url="**/mail/"):
        page.get_by_role("button", name="Release").click()
    held.refresh_from_db()
    assert held.state == InboundMail.State.QUEUED

    page.goto("/mail/reports/")
    row = page.locator("tr", has_text=f"#{desk['ticket'].pk}")
    expect(row).to_contain_text("freemail.test")
    with page.expect_navigation(url="**/mail/reports/"):
        row.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flash-success")).to_contain_text("Confirmed as phishing")
    expect(page.locator("table.queue").last).to_contain_text("Front line")
    report.refresh_from_db()
    assert report.state == "confirmed"
    assert not problems.all(), problems.all()
