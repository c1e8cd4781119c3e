"""An incident worked in real Chromium: a security officer opens a data breach from an
access alert, sees the 72-hour clock, carries out the playbook step that signs an agent
out (their session really ends), and exports the report. No console error, no CSP
violation throughout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from conftest import PASSWORD
from signin import browser_sign_in
from trustdesk.access.services import alert_search_burst
from trustdesk.core.actor import Actor

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips these tests and says why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_opens_a_breach_from_an_alert_and_signs_an_agent_out(
        browser_page, make_user):
    from django.db import transaction

    page, problems = browser_page
    officer = make_user("security_officer", name="Sam Officer")
    agent = make_user("agent", name="Ada Agent")
    with transaction.atomic():
        alert = alert_search_burst(actor=Actor.system("tests"), field="email", searches=40,
                                   window=60)
    desk = Client()
    assert desk.post("/accounts/login/", {"login": agent.email, "password": PASSWORD}
                     ).status_code == 302
    assert desk.get("/tickets/").status_code == 200
    browser_sign_in(page, officer, code_for=officer.totp_secret)

    page.goto("/security/alerts/")
    page.locator(f"[data-open-incident='{alert.pk}']").click()
    form = page.locator("[data-open-incident]")
    expect(form.locator("input[name=alert_ids]")).to_have_value(str(alert.pk))
    form.locator("input[name=title]").fill("Customer list exported by a stolen session")
    form.locator("select[name=kind]").select_option("data_breach")
    form.locator("select[name=severity]").select_option("high")
    aware = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    form.locator("input[name=aware_at]").fill(aware)
    form.locator("input[name=categories][value=contact]").check()
    form.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_text("is open.")).to_be_visible()
    clock = page.locator("[data-clocks] [data-clock=authority]")
    expect(clock).to_contain_text("GDPR Art. 33(1)")
    expect(clock.locator("[data-left]")).to_contain_text("71 h")
    expect(page.locator("[data-alerts]")).to_have_text(str(alert.pk))

    step = page.locator("[data-steps] [data-action=sign_out]")
    step.locator("select[name=user_ids]").select_option([str(agent.pk)])
    step.get_by_role("button", name="Carry out").click()
    expect(page.get_by_text("sessions ended: 1")).to_be_visible()
    expect(page.locator("[data-steps] [data-action=sign_out] [data-done]")).to_be_visible()
    assert desk.get("/tickets/").status_code == 302  # the agent is signed out
    expect(page.locator("[data-timeline] [data-event='incident.act']")).to_have_count(1)

    with page.expect_download() as download:
        page.locator("[data-export=html]").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Timeline" in html and "Playbook step carried out" in html
    with page.expect_download() as download:
        page.locator("[data-export=pdf]").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert problems.all() == []


def test_an_insider_alert_becomes_an_incident_whose_step_signs_the_person_out(
        browser_page, make_user):
    """The whole way from the audit trail: the hourly scan raises an insider alert on an
    agent still reading customers after their account was disabled in the directory; the
    officer opens an incident from it, the 72-hour clock runs, the sign-out step ends the
    agent's live session, and the report is exported."""
    import uuid

    from django.db import transaction

    from trustdesk.accounts.actors import actor_for_user
    from trustdesk.audit.services import record
    from trustdesk.insider import scan
    from trustdesk.insider.models import InsiderAlert

    page, problems = browser_page
    officer = make_user("security_officer", name="Sam Officer")
    agent = make_user("agent", name="Lee Leaver")
    desk = Client()
    assert desk.post("/accounts/login/", {"login": agent.email, "password": PASSWORD}
                     ).status_code == 302
    with transaction.atomic():
        record(actor=Actor.system("directory sync"), action="agent.update",
               object_type="agent", object_id=agent.pk, fields=["is_active"],
               context={"is_active": False})
        for _ in range(3):
            record(actor=actor_for_user(agent), action="customer.view",
                   object_type="customer", object_id=str(uuid.uuid4()))
    assert scan.scan().created == 1
    alert = InsiderAlert.objects.get()
    browser_sign_in(page, officer, code_for=officer.totp_secret)

    page.goto("/security/insider/")
    page.locator(f"a[href='/security/insider/{alert.pk}/']").first.click()
    page.wait_for_url(f"**/security/insider/{alert.pk}/")
    expect(page.locator("[data-score]")).to_have_text("90")
    expect(page.locator("[data-timeline] tbody tr")).to_have_count(3)
    form = page.locator("form[action$='/incident/']")
    form.locator("select[name=kind]").select_option("data_breach")
    form.get_by_role("button", name="Open an incident").click()
    expect(page.get_by_text("is open.")).to_be_visible()
    clock = page.locator("[data-clocks] [data-clock=authority]")
    expect(clock).to_contain_text("GDPR Art. 33(1)")
    expect(clock.locator("[data-left]")).to_contain_text("h")

    step = page.locator("[data-steps] [data-action=sign_out]")
    step.locator("select[name=user_ids]").select_option([str(agent.pk)])
    step.get_by_role("button", name="Carry out").click()
    expect(page.get_by_text("sessions ended: 1")).to_be_visible()
    assert desk.get("/tickets/").status_code == 302  # the agent is signed out
    with page.expect_download() as download:
        page.locator("[data-export=html]").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Playbook step carried out" in html
    alert.refresh_from_db()
    assert alert.status == "incident"
    assert problems.all() == []
