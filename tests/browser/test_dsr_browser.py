"""A privacy request worked in real Chromium: a customer asks in the portal for a
correction; the privacy officer finds it in the queue, paused for the requester's
identity, confirms it by a recorded reason, carries the correction out from the
request's page and reads the timeline. No console error, no CSP violation throughout."""

from __future__ import annotations

import pytest

from helpers import stored_profile
from signin import browser_sign_in
from trustdesk.core.actor import Actor
from trustdesk.customers import requests

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.verification_gates]


def test_an_officer_confirms_the_identity_and_carries_out_a_correction(
        browser_page, make_user, make_customer):
    page, problems = browser_page
    officer = make_user("privacy_officer", name="Pia Officer")
    customer = make_customer(full_name="Ines Duarte", company="Duarte Lda", country="PT")
    filed = requests.request_file(actor=Actor.customer(customer.id), kind="rectification",
                                  details="Our company is now Duarte & Filhos Lda")
    assert filed.paused and not filed.identity_verified
    browser_sign_in(page, officer, code_for=officer.totp_secret)

    page.goto("/privacy/requests/")
    row = page.locator(f"[data-request='{filed.id}']")
    expect(row.locator("[data-paused]")).to_be_visible()
    expect(row.locator("[data-identity]")).to_have_text("not confirmed")
    row.locator("[data-open]").click()
    page.wait_for_url(f"**/privacy/requests/{filed.id}/")
    expect(page.locator("[data-identity]")).to_contain_text("not confirmed")
    expect(page.locator("[data-fulfil]")).to_have_count(0)  # nothing before the identity

    form = page.locator("[data-confirm-identity]")
    form.locator("input[name=override_reason]").fill("Signed letter with a copy of an ID")
    form.get_by_role("button", name="Confirm identity").click()
    expect(page.get_by_text("the requester's identity is confirmed")).to_be_visible()
    expect(page.locator("[data-identity]")).to_contain_text("confirmed (override")
    expect(page.locator("[data-paused]")).to_have_count(0)  # the clock runs again

    fulfil = page.locator("[data-fulfil]")
    fulfil.locator("select[name=field]").first.select_option("company")
    fulfil.locator("input[name=value]").first.fill("Duarte & Filhos Lda")
    fulfil.get_by_role("button", name="Fulfil").click()
    expect(page.get_by_text(f"Request {filed.id} is fulfilled and closed.")).to_be_visible()
    expect(page.locator("[data-state]")).to_have_text("closed: fulfilled")
    steps = page.locator("[data-timeline] [data-step]")
    expect(steps).to_have_count(3)
    assert [steps.nth(i).get_attribute("data-step") for i in range(3)] == [
        "privacy_request.file", "privacy_request.identity", "privacy_request.fulfil"]
    assert stored_profile(customer.id)["company"] == "Duarte & Filhos Lda"
    assert "copy of an ID" not in page.content()  # the override's reason is the trail's
    assert problems.csp_violations == []
    assert problems.all() == []
