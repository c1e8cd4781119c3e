"""Caller verification in real Chromium: an agent verifies a caller from the ticket by a
question from the company's records and by a code to the registered email, then changes
the customer's email address; an agent who has not verified the caller is refused, with
the console saying what to do. No console error, no CSP violation throughout."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from helpers import stored_profile
from signin import browser_sign_in as _sign_in
from trustdesk.access.models import Alert
from trustdesk.audit.models import AuditEvent

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.verification_gates]

EMAIL = "orla.kinsella@example.net"
NEW_EMAIL = "orla.k@example.org"
AMOUNT = "42.50"


@pytest.fixture
def walk(make_team, make_user, make_customer, make_ticket, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_FILE_DIR = tmp_path / "sms"
    settings.PUBLIC_URL = "https://help.example.com"
    facts = tmp_path / "facts.csv"
    facts.write_text("customer,kind,value,occurred_on\n"
                     f"{EMAIL},payment_amount,{AMOUNT},2026-11-30\n", encoding="utf-8")
    settings.VERIFICATION_FACTS_CSV = facts
    from trustdesk.verification import services

    services._counters.cache_clear()
    team = make_team("Accounts")
    agent = make_user("agent", teams=[team], name="Vera Verifier",
                      email="vera.verifier@example.com")
    customer = make_customer(full_name="Orla Kinsella", email=EMAIL, phone="+441614960123",
                             account_number="ACCT-31415926")
    ticket = make_ticket(customer, subject="Please update my email", team=team,
                         body="I have a new address.")
    return agent, customer, ticket


def _verify(page, method_label: str, answer) -> None:
    panel = page.locator("#verification[data-verification]")
    panel.get_by_label(method_label).check()
    panel.get_by_role("button", name="Start").click()
    expect(panel.locator("[data-verification-prompt]")).to_be_visible()
    value = answer() if callable(answer) else answer
    panel.locator("input[name=answer]").fill(value)
    panel.get_by_role("button", name="Check").click()
    expect(panel.locator("[data-verification-result]")).to_have_text("The answer matches.")


def test_an_agent_verifies_the_caller_and_changes_the_email(browser_page, walk):
    page, problems = browser_page
    agent, customer, ticket = walk
    _sign_in(page, agent)
    page.goto(f"/tickets/{ticket.pk}/")
    panel = page.locator("#verification[data-verification]")
    expect(panel.locator("[data-verification-level]")).to_have_attribute(
        "data-verification-level", "0")
    expect(panel).to_contain_text("Not verified")

    # A question from the records: the console says what to ask, never the answer.
    panel.get_by_label("A question from the company's records").check()
    panel.get_by_role("button", name="Start").click()
    prompt = panel.locator("[data-verification-prompt]")
    expect(prompt).to_have_text("Ask the caller for the amount of their last payment.")
    assert AMOUNT not in page.content() and "42,50" not in page.content()
    panel.locator("input[name=answer]").fill("41.50")
    panel.get_by_role("button", name="Check").click()
    expect(panel.locator("[data-verification-result]")).to_contain_text(
        "does not match. 2 attempts left")
    panel.locator("input[name=answer]").fill("£42.50")
    panel.get_by_role("button", name="Check").click()
    expect(panel.locator("[data-verification-result]")).to_have_text("The answer matches.")
    expect(panel.locator("[data-verification-level]")).to_have_attribute(
        "data-verification-level", "1")

    # A code to the registered email, read out by the caller as they see it.
    def code():
        [sent] = mail.outbox
        assert sent.to == [EMAIL]
        found = re.search(r"code is (\d{6})", sent.body).group(1)
        return f"{found[:3]} {found[3:]}"

    _verify(page, "Code to the registered email address", code)
    expect(panel.locator("[data-verification-level]")).to_have_attribute(
        "data-verification-level", "2")
    expect(panel).to_contain_text("Verified by two factors")
    assert EMAIL not in page.content()

    # Now the profile editor takes the new address.
    page.locator("aside.side").get_by_role("link", name="Orla Kinsella").click()
    page.wait_for_url(f"**/customers/{customer.id}/")
    expect(page.locator("#verification [data-verification-level]")).to_have_attribute(
        "data-verification-level", "2")
    page.locator("details.edit summary").click()
    page.locator("form input[name=email]").fill(NEW_EMAIL)
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(f"**/customers/{customer.id}/")
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    assert stored_profile(customer.id)["email"] == NEW_EMAIL
    assert not Alert.objects.filter(kind=Alert.Kind.VERIFICATION_OVERRIDE).exists()
    assert AuditEvent.objects.filter(action="customer.update").count() == 1
    assert problems.csp_violations == []
    assert problems.all() == []


def test_an_unverified_change_of_email_is_refused_with_guidance(browser_page, walk):
    page, problems = browser_page
    agent, customer, _ticket = walk
    _sign_in(page, agent)
    page.goto(f"/customers/{customer.id}/")
    expect(page.locator("#verification [data-verification-level]")).to_have_attribute(
        "data-verification-level", "0")
    page.locator("details.edit summary").click()
    page.locator("form input[name=email]").fill(NEW_EMAIL)
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        page.get_by_role("button", name="Save profile").click()
    assert answered.value.status == 400
    guidance = page.locator("[data-verification-needed]")
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text("Verify the caller in the panel above")
    expect(page.get_by_text(re.compile(r"Verify the caller first: to change the email "
                                       r"address, phone number or account number needs "
                                       r"level 2"))
           ).to_be_visible()
    expect(page.get_by_label("Change without verification, because…")).to_be_visible()
    assert stored_profile(customer.id)["email"] == EMAIL
    assert not AuditEvent.objects.filter(action="customer.update").exists()
    assert problems.csp_violations == []
    # The refusal itself is the one 400 (the browser logs it as a failed load too).
    [failed] = problems.failed_requests
    assert failed.startswith("POST ") and failed.endswith(f"/customers/{customer.id}/: HTTP 400")
    assert [e for e in problems.console_errors if "status of 400" not in e] == []
    assert problems.page_errors == []
