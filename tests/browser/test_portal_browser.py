"""The customer portal in a real browser: a customer asks for a sign-in link, opens it
from the mail and confirms, opens a ticket, finds it in their list, and reads what we
hold about them; no script errors and no CSP violations."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from planted import PROFILE

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_signs_in_by_link_opens_a_ticket_and_sees_their_data(
        browser_page, live_server, make_customer, settings):
    settings.PUBLIC_URL = live_server.url
    settings.PORTAL_ANSWER_SECONDS = 0
    customer = make_customer(**PROFILE)
    page, problems = browser_page

    page.goto("/help/")
    page.get_by_label("Your email address").fill(PROFILE["email"])
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator("[data-sent]")).to_contain_text("sign-in link is on its way")
    (message,) = mail.outbox
    assert message.to == [PROFILE["email"]]
    url = re.search(r"(http://\S+/help/link/\S+/)", message.body).group(1)

    page.goto(url)
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your requests to us")

    page.locator("a[data-new]").click()
    page.get_by_label("Subject").fill("My <b>parcel</b> is late")
    page.get_by_label("Your message").fill("Ordered two weeks ago, nothing yet.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_have_text("My <b>parcel</b> is late")  # text, not markup
    expect(page.locator("[data-conversation]")).to_contain_text("nothing yet")

    page.goto("/help/")
    expect(page.locator("table[data-tickets]")).to_contain_text("My <b>parcel</b> is late")

    page.locator("a[data-nav=data]").click()
    table = page.locator("table[data-held]")
    expect(table.locator("tr[data-field=company]")).to_contain_text("Engines Ltd")
    expect(table.locator("tr[data-field=date_of_birth]")).not_to_contain_text("1961-12-10")
    expect(table.locator("tr[data-field=payment_card]")).to_contain_text("masked")
    assert PROFILE["payment_card"] not in page.content()
    assert customer.id
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the CSS loaded
    assert not problems.all(), problems.all()
