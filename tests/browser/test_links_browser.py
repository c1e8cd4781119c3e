"""A suspicious message's links in a real browser: defanged, the real target on hover, and
a click that lands on the interstitial's warning, not on the site, under the production
Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from suspicious_mail import mail_ticket

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET = "https://paypal-secure.example/login?session=7f3a"
WARNING = ("This link was in a message the gateway found suspicious. Do not sign in or "
           "enter anything on the page it opens.")


@pytest.fixture
def desk(make_team, make_user, make_customer):
    team = make_team("Accounts")
    agent = make_user("agent", teams=[team], name="Grace Agent",
                      email="grace.agent@example.com")
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org")
    ticket = mail_ticket(customer, team=team, subject="Your account is locked",
                         body=f"Your account is locked.\nSign in at {TARGET} today.")
    return agent, ticket


def test_agent_hovers_a_defanged_link_and_clicks_through_to_the_warning(
        browser_page, desk, artifacts_dir):
    page, problems = browser_page
    agent, ticket = desk
    page.goto("/accounts/login/")
    page.fill("input[name=login]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/tickets/")
    page.goto(f"/tickets/{ticket.pk}/")

    body = page.locator("article.msg-inbound .body")
    expect(body).to_contain_text("Sign in at hxxps://paypal-secure[.]example/login?session=7f3a")
    expect(body).not_to_contain_text(TARGET)  # the real address is not on the page's text
    link = body.locator("a.defanged")
    expect(link).to_have_count(1)
    link.hover()
    expect(link).to_have_attribute("title", TARGET)
    expect(link).to_have_attribute("href", re.compile(r"^/links/\?to=https%3A%2F%2F"))

    link.click()
    page.wait_for_url("**/links/?**")
    expect(page.get_by_role("heading", name="Check this link before you open it")) \
        .to_be_visible()
    expect(page.locator("[data-link-warning]")).to_have_text(WARNING)
    expect(page.locator("[data-link-target]")).to_have_text(TARGET)
    expect(page.locator("[data-link-defanged]")).to_have_text(
        "hxxps://paypal-secure[.]example/login?session=7f3a")
    expect(page.locator("[data-link-host]")).to_have_text("paypal-secure.example")
    opener = page.get_by_role("link", name="Open anyway")
    expect(opener).to_have_attribute("href", TARGET)
    expect(opener).to_have_attribute("target", "_blank")
    expect(opener).to_have_attribute("rel", "noopener noreferrer")
    expect(opener).to_have_attribute("referrerpolicy", "no-referrer")
    page.screenshot(path=str(artifacts_dir / "console-link-interstitial.png"), full_page=True)

    page.get_by_role("link", name="Back to the ticket").last.click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert problems.all() == []
