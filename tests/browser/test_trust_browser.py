"""The official channels and the trust page in a real browser: an admin adds a channel in
the console and finds it on the public page; the page in Chinese; no script errors and
no CSP violations on either side."""

from __future__ import annotations

import pytest

from signin import browser_sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_channel_and_it_appears_on_the_trust_page(browser_page, make_user):
    page, problems = browser_page
    admin = make_user("admin")
    browser_sign_in(page, admin, code_for=admin.totp_secret)
    page.goto("/")
    page.locator("a[data-nav=channels]").click()
    page.wait_for_url("**/channels/")
    form = page.locator("form[data-channel-form]")
    form.locator("select[name=kind]").select_option("phone")
    form.locator("input[name=value]").fill("+44 20 7946 0000")
    form.locator("input[name=label]").fill("Billing <line>")
    form.locator("input[name=may_ask]").fill("order number, postcode")
    form.locator("input[value=remote_access]").check()
    with page.expect_navigation(url="**/channels/"):
        form.get_by_role("button", name="Add channel").click()
    expect(page.locator(".flash-success")).to_contain_text("+44 20 7946 0000 added")
    expect(page.locator("table[data-channels]")).to_contain_text("Billing <line>")

    page.goto("/trust/")
    channel = page.locator("li[data-channel=phone]")
    expect(channel).to_contain_text("+44 20 7946 0000")
    expect(channel).to_contain_text("Billing <line>")  # shown as text, not markup
    expect(channel).to_contain_text("order number, postcode")
    expect(channel).to_contain_text("remote access to your device")
    expect(channel.locator("a[href='tel:+442079460000']")).to_have_count(1)
    expect(page.locator("tr[data-field]").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the CSS loaded
    assert not problems.all(), problems.all()


def test_the_trust_page_in_chinese(browser_page, system):
    from trustdesk.channels import services

    services.channel_create(actor=system, kind="email", value="help@example.com")
    page, problems = browser_page
    page.goto("/trust/")
    page.locator("a[hreflang=zh-hans]").click()
    page.wait_for_url("**/trust/?lang=zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("信任与隐私")
    expect(page.locator("#h-channels")).to_have_text("我们的官方渠道")
    expect(page.locator("li[data-channel=email]")).to_contain_text("您的密码")
    expect(page.locator("#data")).to_contain_text("我们与您的合同")
    page.locator("a[hreflang=en]").click()
    expect(page.locator("h1")).to_have_text("Trust and privacy")
    assert not problems.all(), problems.all()
