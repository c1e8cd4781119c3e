"""The console tour (docs/console.md): each screen a new user meets, on the demo desk,
opened in Chromium as the person who would use it. Every page must load without a
console error, a CSP violation or a failed request; each is photographed into
``test-artifacts/tour`` (or ``TRUSTDESK_TOUR_DIR``, which is how docs/img is made)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from signin import browser_sign_in
from trustdesk.accounts.models import User
from trustdesk.config.demo import seed as demo
from trustdesk.tickets.models import Ticket

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = Path(os.environ.get("TRUSTDESK_TOUR_DIR") or
           Path(__file__).resolve().parents[2] / "test-artifacts" / "tour")


@pytest.fixture
def demo_desk(settings, tmp_path):
    settings.TRUSTDESK_DATA_DIR = tmp_path
    demo.seed(seed=3, customers_count=40, tickets_count=120)
    from conftest import enrol_totp

    people = {}
    for user in User.objects.all():
        user.set_password("a long enough passphrase for tests")
        user.save()
        if user.role in ("supervisor", "admin"):
            enrol_totp(user)
        people[user.role] = people.get(user.role) or user
    return people


def _shot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)


def test_the_tour(browser_page, demo_desk):
    page, problems = browser_page
    page.set_viewport_size({"width": 1366, "height": 860})
    lead = demo_desk["supervisor"]
    browser_sign_in(page, lead, code_for=lead.totp_secret)

    page.goto("/tickets/?order=due")
    expect(page.locator("tr[data-href]").first).to_be_visible()
    _shot(page, "01-queue")
    ticket = Ticket.objects.filter(status="open", tags__isnull=False).order_by("pk").first()
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.locator("[data-sla-card]")).to_be_visible()
    _shot(page, "02-ticket")
    page.locator("select[name=macro]").select_option(label="Need more detail (shared)")
    page.get_by_role("button", name="Use macro").click()
    expect(page.locator("form[data-reply] textarea[name=body]")).not_to_be_empty()
    _shot(page, "03-macro")
    page.goto("/macros/")
    _shot(page, "04-macros")
    page.goto("/customers/")
    _shot(page, "05-customers")
    page.goto("/organisations/")
    page.locator("[data-organisations] a").first.click()
    expect(page.locator("[data-org-people]")).to_be_visible()
    _shot(page, "05b-organisation")
    page.goto("/reports/")
    expect(page.locator("svg.chart").first).to_be_visible()
    _shot(page, "06-reports")
    page.goto("/notifications/")
    _shot(page, "07-notifications")
    assert problems.all() == []


def test_the_admins_screens(browser_page, demo_desk):
    page, problems = browser_page
    page.set_viewport_size({"width": 1366, "height": 860})
    admin = demo_desk["admin"]
    browser_sign_in(page, admin, code_for=admin.totp_secret)
    page.goto("/sla/")
    expect(page.locator("[data-policies]")).to_contain_text("Urgent")
    _shot(page, "09-service-levels")
    page.goto("/mail/")
    _shot(page, "10-mail-gateway")
    page.goto("/security/access-review/")
    _shot(page, "08-access-review")
    assert problems.all() == []
