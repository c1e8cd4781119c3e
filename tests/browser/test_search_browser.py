"""Search in a real browser: an agent finds a ticket by a word of its conversation in the
queue's search box, and a customer by the start of their name; a customer they have no
need to know stays out of the results."""

from __future__ import annotations

import pytest

from signin import browser_sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(make_team, make_user, make_customer, make_ticket):
    team = make_team("Orders")
    agent = make_user("agent", teams=[team], name="Grace Agent")
    ada = make_customer(full_name="Ada Lovelace", company="Analytical Engines Ltd")
    make_customer(full_name="Ada Byron", company="Poetry Ltd")  # no ticket: not known
    ticket = make_ticket(ada, subject="Parcel never arrived", team=team,
                         body="I ordered a set of brass gears on Monday.")
    make_ticket(ada, subject="Second order", team=team, body="A teapot, please.")
    return agent, ticket


def test_an_agent_finds_a_ticket_by_its_words_and_a_customer_by_name(browser_page, desk):
    page, problems = browser_page
    agent, ticket = desk
    browser_sign_in(page, agent)
    page.goto("/tickets/")
    rows = page.locator("tr[data-href]")
    expect(rows).to_have_count(2)
    search = page.locator("input[name=q]")
    search.fill("brass gears")
    search.press("End")  # the filter listens for keyup
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ticket.subject)

    page.goto("/customers/")
    page.fill("input[name=q]", "ada lov")
    page.get_by_role("button", name="Find").click()
    found = page.locator("tr[data-href]")
    expect(found).to_have_count(1)
    expect(found.first).to_contain_text("Ada Lovelace")
    page.fill("input[name=q]", "ada")
    page.get_by_role("button", name="Find").click()
    expect(found).to_have_count(1)  # Ada Byron is nobody this agent has a need to know
    page.fill("input[name=q]", "poetry")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("No customers found.")).to_be_visible()
    assert problems.all() == []


def test_an_agent_opens_a_ticket_from_the_queue(browser_page, desk):
    page, problems = browser_page
    agent, _ = desk
    browser_sign_in(page, agent)
    page.goto("/tickets/")
    page.get_by_role("link", name="New ticket").click()
    expect(page.get_by_role("heading", name="New ticket: for whom?")).to_be_visible()
    page.fill("input[name=q]", "ada lov")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="New ticket").last.click()
    expect(page.get_by_role("heading", name="New ticket for Ada Lovelace")).to_be_visible()
    expect(page.locator("select[name=team_id]")).to_have_value(str(agent.teams.first().pk))
    expect(page.locator("select[name=assignee_id]")).to_have_value(str(agent.pk))
    page.fill("input[name=subject]", "Lid arrived cracked")
    page.fill("textarea[name=body]", "The teapot lid is cracked.")
    page.fill("input[name=reason]", "Caller on the line")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_role("heading", name="Lid arrived cracked")).to_be_visible()
    assert problems.all() == []
