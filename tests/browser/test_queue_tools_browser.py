"""The queue's tools in a real browser: an agent tags a ticket (and is told why a tag
with a phone number is refused), filters the queue by the tag, ticks every row with
"select all" and solves them at once, and sees the changes in the ticket's thread."""

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
    tickets = [make_ticket(make_customer(), subject=f"Parcel {n} is late", team=team)
               for n in range(3)]
    return agent, tickets


def test_tag_filter_bulk_solve_and_the_thread_says_so(browser_page, desk):
    page, problems = browser_page
    agent, tickets = desk
    browser_sign_in(page, agent)
    first = tickets[0]
    page.goto(f"/tickets/{first.pk}/")
    tags = page.locator("[data-tags]")
    tags.locator("input[name=add]").fill("call 07700 900123")
    tags.get_by_role("button", name="Add").click()
    expect(page.get_by_text("cannot hold personal data")).to_be_visible()
    tags.locator("input[name=add]").fill("Late delivery")
    tags.get_by_role("button", name="Add").click()
    expect(tags.get_by_role("link", name="late-delivery")).to_be_visible()
    expect(page.locator("[data-activity]")).to_contain_text("tagged it late-delivery")

    page.goto("/tickets/")
    rows = page.locator("tr[data-href]")
    expect(rows).to_have_count(3)
    page.locator("tr[data-href] a.tag", has_text="late-delivery").click()
    expect(rows).to_have_count(1)
    page.goto("/tickets/")
    page.locator("[data-select-all]").check()
    expect(page.locator('input[name="ids"]:checked')).to_have_count(3)
    page.locator("#bulk-form select[name=status]").select_option("solved")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Changed 3 tickets.")).to_be_visible()
    expect(rows).to_have_count(0)  # the default view lists active tickets only
    page.goto(f"/tickets/{first.pk}/")
    expect(page.locator("[data-activity]").last).to_contain_text(
        "Grace Agent set the status to Solved")
    assert problems.all() == []


def test_a_view_saves_the_filters_chosen_on_the_page(browser_page, desk, make_ticket,
                                                     make_customer):
    page, problems = browser_page
    agent, _ = desk
    urgent = make_ticket(make_customer(), subject="Burst pipe", priority="urgent",
                         team=agent.teams.first())
    browser_sign_in(page, agent)
    page.goto("/tickets/")
    rows = page.locator("tr[data-href]")
    expect(rows).to_have_count(4)
    # Changed through htmx: the page is not reloaded, the address bar follows.
    page.locator("form.filters select[name=priority]").select_option("urgent")
    expect(rows).to_have_count(1)
    page.locator("summary", has_text="Save view").click()
    page.fill("form[data-save-view] input[name=name]", "Urgent")
    page.locator("form[data-save-view]").get_by_role("button", name="Save").click()
    expect(page.get_by_text("View “Urgent” saved.")).to_be_visible()
    page.goto("/tickets/")
    expect(rows).to_have_count(4)
    page.locator("nav.views").get_by_role("link", name="Urgent").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(urgent.subject)
    assert problems.all() == []
