"""Access review: permissions held against those the audit trail shows used, the
narrowest covering role, applied in one click (audited), and the CLI printing the same."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from helpers import record_event
from trustdesk.accounts.models import User
from trustdesk.audit.models import AuditEvent
from trustdesk.core import clock

REVIEW = "/api/v1/access/review"


def _joined(user, days_ago: int):
    User.objects.filter(pk=user.pk).update(date_joined=clock.now() - dt.timedelta(days=days_ago))


def _did(as_actor, user, action, *, n=1, days_ago=1, outcome="allowed", fields=()):
    at = clock.now() - dt.timedelta(days=days_ago)
    for _ in range(n):
        record_event(as_actor(user), at=at, action=action, object_type="ticket",
                     object_id="1", outcome=outcome, fields=fields)


@pytest.fixture
def team(make_user, as_actor):
    admin = make_user("admin", name="Ada Admin")
    sup = make_user("supervisor", name="Sam Supervisor")
    agent = make_user("agent", name="Alex Agent")
    officer = make_user("security_officer", name="Sec Officer")
    for user in (admin, sup, agent, officer):
        _joined(user, 200)
    # Sam only ever looked at customers lately; the reassigning was long ago and a
    # refused attempt is no use at all.
    _did(as_actor, sup, "customer.view", n=3)
    _did(as_actor, sup, "ticket.update", days_ago=150, fields=["assignee_id"])
    _did(as_actor, sup, "ticket.list", outcome="denied")
    _did(as_actor, agent, "ticket.reply", n=2)
    _did(as_actor, agent, "customer.view")
    newcomer = make_user("supervisor", name="Nia Newcomer")
    return {"admin": admin, "sup": sup, "agent": agent, "officer": officer,
            "newcomer": newcomer}


def _by_email(reviews):
    return {r["email"]: r for r in reviews}


def test_review_recommends_the_narrowest_covering_role(team, api_client):
    response = api_client(team["officer"]).get(REVIEW, {"days": 90})
    assert response.status_code == 200, response.content
    reviews = _by_email(response.json())
    sam = reviews[team["sup"].email]
    assert sam["used"] == {"customer.view": 3}
    assert sam["recommended_role"] == "agent"
    assert {"ticket.assign", "ticket.view_all"} <= set(sam["removals"])
    assert "agent.view" in sam["not_recorded"] and "agent.view" not in sam["removals"]
    alex = reviews[team["agent"].email]
    assert alex["used"] == {"customer.view": 1, "ticket.reply": 2}
    assert alex["recommended_role"] is None  # already the narrowest that covers it
    assert "not judged" in reviews[team["newcomer"].email]["note"]
    assert reviews[team["admin"].email]["note"] == "the last active admin stays admin"
    assert AuditEvent.objects.filter(action="access.review",
                                     actor_user_id=team["officer"].pk).exists()


def test_a_longer_window_sees_older_use(team, api_client):
    sam = _by_email(api_client(team["officer"]).get(REVIEW, {"days": 180}).json())[
        team["sup"].email]
    assert sam["used"]["ticket.assign"] == 1
    assert "ticket.assign" not in sam["unused"]


def test_admin_applies_a_recommendation_in_one_click(team, api_client, console_client):
    refused = api_client(team["admin"]).post(f"{REVIEW}/{team['sup'].pk}/apply",
                                             {"role": "agent"}, content_type="application/json")
    assert refused.json()["error"]["code"] == "reauthentication_required"
    client = console_client(team["admin"])
    stale = client.post(f"{REVIEW}/{team['sup'].pk}/apply", {"role": "billing"},
                        content_type="application/json")
    assert stale.status_code == 400
    response = client.post(f"{REVIEW}/{team['sup'].pk}/apply", {"role": "agent"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "agent"
    assert User.objects.get(pk=team["sup"].pk).role == "agent"
    applied = AuditEvent.objects.get(action="access.review_applied")
    assert applied.context["from"] == "supervisor" and applied.context["to"] == "agent"
    assert "ticket.assign" in applied.context["removed"]
    assert AuditEvent.objects.filter(action="agent.update",
                                     object_id=str(team["sup"].pk)).exists()


def test_who_may_review_and_apply(team, api_client):
    assert api_client(team["agent"]).get(REVIEW).status_code == 403
    officer = api_client(team["officer"])
    assert officer.post(f"{REVIEW}/{team['sup'].pk}/apply", {"role": "agent"},
                        content_type="application/json").status_code == 403
    assert User.objects.get(pk=team["sup"].pk).role == "supervisor"
    assert api_client(team["agent"]).get(REVIEW, {"days": 0}).status_code in (400, 422)


def test_console_page_and_apply(team, console_client):
    officer = console_client(team["officer"])
    page = officer.get("/security/access-review/")
    assert page.status_code == 200
    assert b"Sam Supervisor" in page.content and b"Apply" not in page.content
    admin = console_client(team["admin"])
    page = admin.get("/security/access-review/?days=90")
    assert b"Apply" in page.content
    response = admin.post(f"/security/access-review/{team['sup'].pk}/apply/?days=90",
                          {"role": "agent"})
    assert response.status_code == 302
    assert User.objects.get(pk=team["sup"].pk).role == "agent"
    assert console_client(team["agent"]).get("/security/access-review/").status_code == 403


def test_cli_prints_the_same_review(team):
    out = io.StringIO()
    call_command("access", "review", "--days", "90", stdout=out)
    text = out.getvalue()
    assert "Sam Supervisor" in text and "RECOMMENDED: move to Agent" in text
    out = io.StringIO()
    call_command("access", "review", "--json", "--agent", team["sup"].email, stdout=out)
    [line] = out.getvalue().splitlines()
    assert json.loads(line)["recommended_role"] == "agent"


def test_a_role_with_fewer_permissions_that_sees_more_is_not_recommended(
        team, api_client, settings):
    # The agent role now shows e-mail addresses in clear, which a supervisor may only
    # reveal one at a time: moving Sam to agent would take permissions away and yet
    # show him more. Senior agent covers his use without that.
    settings.ACCESS_FIELD_POLICY = {"agent": {"email": "visible"}}
    sam = _by_email(api_client(team["officer"]).get(REVIEW, {"days": 90}).json())[
        team["sup"].email]
    assert sam["recommended_role"] == "senior_agent"
    assert "ticket.view_all" in sam["removals"] and "ticket.assign" not in sam["removals"]
    # Nothing narrower that sees no more: no recommendation, and the note says why.
    settings.ACCESS_FIELD_POLICY = {"agent": {"email": "visible"},
                                    "senior_agent": {"phone": "visible"}}
    sam = _by_email(api_client(team["officer"]).get(REVIEW, {"days": 90}).json())[
        team["sup"].email]
    assert sam["recommended_role"] is None and "would see more" in sam["note"]


def test_a_recommendation_never_drops_need_to_know(team, api_client, make_user, as_actor,
                                                    system, settings):
    from trustdesk.access.services import role_update

    # Auditors are given just what an agent who only looks at profiles uses, and see the
    # name and a masked e-mail, no more than an agent: but across every customer, where
    # the agent sees only those of their tickets.
    role_update(actor=system, role="auditor",
                permissions=["customer.view", "agent.view", "datamap.read"])
    settings.ACCESS_FIELD_POLICY = {"auditor": {"full_name": "visible", "email": "masked"}}
    viewer = make_user("agent", name="Vic Viewer")
    _joined(viewer, 200)
    _did(as_actor, viewer, "customer.view", n=4)
    vic = _by_email(api_client(team["officer"]).get(REVIEW, {"days": 90}).json())[
        viewer.email]
    assert vic["recommended_role"] is None
    assert "would see more" in vic["note"]


def test_the_review_judges_fields_by_the_policy_the_customers_app_serves(settings):
    from trustdesk.accounts.review import _field_policy
    from trustdesk.customers.visibility import field_policy

    settings.ACCESS_FIELD_POLICY = {"agent": {"email": "visible"}}
    assert _field_policy().table == field_policy().table
