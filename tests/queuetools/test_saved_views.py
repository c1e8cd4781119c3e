"""Saved views: a queue's filters under a name, personal or shared. A view grants
nothing (it runs the reader's own queue), its name and words hold no personal data,
sharing and removing others' views take ticket.assign."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import saved_views, selectors
from trustdesk.tickets.models import SavedView

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team, make_ticket):
    orders, billing = make_team("Orders"), make_team("Billing")
    agent = make_user("agent", teams=[orders], name="Grace Agent")
    lead = make_user("senior_agent", teams=[billing], name="Lena Lead")
    mine = make_ticket(team=orders, priority="urgent")
    theirs = make_ticket(team=billing, priority="urgent")
    return {"agent": agent, "lead": lead, "mine": mine, "theirs": theirs}


def test_a_personal_view_runs_the_readers_own_queue(desk):
    who = actor_for_user(desk["agent"])
    view = saved_views.view_create(actor=who, name="Urgent", filters={
        "priority": "urgent", "status": "all", "order": "oldest", "tag": "", "q": None})
    assert view.filters == {"priority": "urgent", "status": "all", "order": "oldest"}
    page = selectors.ticket_list(actor=who, filters=saved_views.as_filters(view))
    assert [r.ticket.pk for r in page.items] == [desk["mine"].pk]
    assert AuditEvent.objects.filter(action="view.create", object_id=str(view.pk)).exists()
    # Nobody else sees a personal view, nor can remove it.
    other = actor_for_user(desk["lead"])
    assert saved_views.view_list(actor=other) == []
    with pytest.raises(NotFound):
        saved_views.view_delete(actor=other, view_id=view.pk)


def test_a_shared_view_grants_nothing(desk):
    lead = actor_for_user(desk["lead"])
    view = saved_views.view_create(actor=lead, name="Urgent everywhere", shared=True,
                                   filters={"priority": "urgent"})
    agent = actor_for_user(desk["agent"])
    assert [v.pk for v in saved_views.view_list(actor=agent)] == [view.pk]
    as_agent = selectors.ticket_list(actor=agent, filters=saved_views.as_filters(view))
    assert [r.ticket.pk for r in as_agent.items] == [desk["mine"].pk]
    as_lead = selectors.ticket_list(actor=lead, filters=saved_views.as_filters(view))
    assert [r.ticket.pk for r in as_lead.items] == [desk["theirs"].pk]
    with pytest.raises(PermissionDenied):
        saved_views.view_delete(actor=agent, view_id=view.pk)
    with pytest.raises(PermissionDenied):
        saved_views.view_create(actor=agent, name="Mine for all", shared=True, filters={})
    saved_views.view_delete(actor=lead, view_id=view.pk)
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.filter(action="view.delete").count() == 1


@pytest.mark.parametrize("name, filters, field", [
    ("", {}, "name"), ("x" * 61, {}, "name"), ("Ada Lovelace", {}, "name"),
    ("Calls", {"q": "jane@example.com"}, "filters"), ("Calls", {"q": "ada lovelace"}, "filters"),
    ("Calls", {"status": "gone"}, "filters"), ("Calls", {"colour": "red"}, "filters"),
    ("Calls", {"assignee": "1 or 1=1"}, "filters"), ("Calls", {"team_id": True}, "filters"),
    ("Calls", {"tag": "call-07700-900123"}, "filters"), ("Calls", "status=open", "filters"),
])
def test_bad_views_are_refused(desk, make_customer, name, filters, field):
    make_customer(full_name="Ada Lovelace")
    with pytest.raises(ValidationError) as raised:
        saved_views.view_create(actor=actor_for_user(desk["agent"]), name=name,
                                filters=filters)
    assert raised.value.field == field
    assert not SavedView.objects.exists()


def test_names_are_unique_per_person_and_limited(desk, monkeypatch):
    who = actor_for_user(desk["agent"])
    saved_views.view_create(actor=who, name="Mine", filters={"assignee": "me"})
    with pytest.raises(Conflict):
        saved_views.view_create(actor=who, name="Mine", filters={})
    saved_views.view_create(actor=actor_for_user(desk["lead"]), name="Mine", filters={})
    monkeypatch.setattr(saved_views, "MAX_PER_PERSON", 1)
    with pytest.raises(ValidationError, match="At most 1"):
        saved_views.view_create(actor=who, name="Another", filters={})


def test_roles_without_tickets_have_no_views(make_user):
    with pytest.raises(PermissionDenied):
        saved_views.view_create(actor=actor_for_user(make_user("auditor")), name="Audit",
                                filters={})


def test_api(desk, api_client):
    lead, agent = api_client(desk["lead"]), api_client(desk["agent"])
    created = lead.post("/api/v1/views", {"name": "Urgent", "shared": True,
                                          "filters": {"priority": "urgent"}},
                        content_type="application/json")
    assert created.status_code == 201, created.content
    view = created.json()
    assert view["owner"]["name"] == "Lena Lead" and view["filters"] == {"priority": "urgent"}
    assert [v["id"] for v in agent.get("/api/v1/views").json()] == [view["id"]]
    run = agent.get(f"/api/v1/views/{view['id']}/tickets").json()
    assert [t["id"] for t in run["items"]] == [desk["mine"].pk]
    assert agent.delete(f"/api/v1/views/{view['id']}").status_code == 403
    bad = agent.post("/api/v1/views", {"name": "x", "filters": {"q": "jane@example.com"}},
                     content_type="application/json")
    assert bad.status_code == 400
    assert lead.delete(f"/api/v1/views/{view['id']}").status_code == 204
    assert agent.get(f"/api/v1/views/{view['id']}/tickets").status_code == 404


def test_console_saves_lists_applies_and_removes(desk, console_client):
    client = console_client(desk["agent"])
    response = client.post("/tickets/views/", {"name": "Urgent, any status",
                                               "query": "priority=urgent&status=&page=3"})
    assert response.status_code == 302
    assert response["Location"] == "/tickets/?status=&priority=urgent"
    view = SavedView.objects.get()
    assert view.filters == {"priority": "urgent", "status": "all"}
    page = client.get("/tickets/").content.decode()
    assert '<a href="/tickets/?status=&amp;priority=urgent">Urgent, any status</a>' in page
    assert "Share with everyone" not in page  # an agent cannot share
    refused = client.post("/tickets/views/", {"name": "jane@example.com", "query": ""},
                          follow=True).content.decode()
    assert "cannot hold personal data" in refused
    client.post(f"/tickets/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()

