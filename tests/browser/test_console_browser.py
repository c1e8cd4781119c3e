"""The console in a real browser: sign in, keyboard navigation, a reply sent with
Ctrl+Enter, and htmx filtering, all under the production Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from helpers import opened_messages

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "Thanks for waiting, Ada. A replacement parcel left our warehouse this morning."


@pytest.fixture
def desk(make_team, make_user, make_customer, make_ticket):
    """An agent with one ticket in their team's queue (and one in another team's)."""
    team = make_team("Orders")
    agent = make_user("agent", teams=[team], name="Grace Agent",
                      email="grace.agent@example.com")
    customer = make_customer(full_name="Ada Lovelace", email="ada@example.org",
                             phone="+44 20 7946 0958", company="Analytical Engines Ltd")
    ticket = make_ticket(customer, subject="Parcel never arrived", team=team,
                         body="I ordered a set of gears on Monday.\nNothing has come yet.")
    make_ticket(customer, subject="Not for this agent", team=make_team("Elsewhere"))
    return agent, ticket


def _sign_in(page, agent) -> None:
    page.goto("/accounts/login/")
    expect(page).to_have_title(re.compile("Sign in"))
    page.fill("input[name=login]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/tickets/")


def test_agent_signs_in_and_replies_with_the_keyboard(browser_page, desk, artifacts_dir):
    page, problems = browser_page
    agent, ticket = desk

    _sign_in(page, agent)
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    rows = page.locator("tr[data-href]")
    expect(rows).to_have_count(1)  # the other team's ticket is not in this queue
    expect(rows.first).to_contain_text("Parcel never arrived")

    # Keyboard: j selects the first row, Enter opens it.
    page.keyboard.press("j")
    expect(rows.first).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    expect(page.locator(".page-head .badge.status-new")).to_have_text("New")

    # r focuses the reply box; Ctrl+Enter sends it.
    page.keyboard.press("r")
    body = page.locator("form[data-reply] textarea[name=body]")
    expect(body).to_be_focused()
    page.keyboard.type(REPLY)
    with page.expect_navigation(url=f"**/tickets/{ticket.pk}/"):
        page.keyboard.press("Control+Enter")

    expect(page.locator(".flash-success")).to_have_text("Reply sent.")
    reply = page.locator("section.conversation article.msg-outbound")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(REPLY)
    expect(reply).to_contain_text("Grace Agent")
    expect(page.locator(".page-head .badge.status-pending")).to_have_text("Pending")
    expect(page.locator("form[data-reply] textarea[name=body]")).to_have_value("")

    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert opened_messages(ticket.messages.all())[-1].body == REPLY

    # Let late scripts and resources settle before judging the page.
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir / "console-ticket.png"), full_page=True)
    assert problems.csp_violations == []
    assert problems.all() == []


def test_queue_filters_with_htmx_under_csp(browser_page, desk):
    page, problems = browser_page
    agent, ticket = desk
    _sign_in(page, agent)
    page.wait_for_load_state("networkidle")

    # Prove the filter is applied by htmx (partial swap), not by a full page load.
    page.evaluate("document.body.dataset.loaded = 'once'")
    with page.expect_response(lambda r: "/tickets/" in r.url
                              and r.request.headers.get("hx-request") == "true") as swap:
        page.select_option("select[name=status]", "closed")
    assert swap.value.status == 200
    expect(page.locator("#ticket-results")).to_contain_text("No tickets match these filters.")
    expect(page).to_have_url(re.compile(r"status=closed"))
    assert page.evaluate("document.body.dataset.loaded") == "once"

    # "/" jumps to the search box; typing filters the queue as well.
    page.select_option("select[name=status]", "")
    expect(page.locator("tr[data-href]")).to_have_count(1)
    page.keyboard.press("/")
    search = page.locator("input[name=q]")
    expect(search).to_be_focused()
    page.keyboard.type("nothing like this")
    expect(page.locator("#ticket-results")).to_contain_text("No tickets match these filters.")
    search.fill(f"#{ticket.pk}")
    search.press("End")  # a key press: the filter listens for keyup
    expect(page.locator("tr[data-href]")).to_have_count(1)
    assert page.evaluate("document.body.dataset.loaded") == "once"

    page.wait_for_load_state("networkidle")
    assert problems.csp_violations == []
    assert problems.all() == []
