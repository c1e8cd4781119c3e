"""An agent sees their own queue only; everything else looks exactly like it does not
exist, so that the API never confirms that a ticket (or its attachment) is there."""

from __future__ import annotations

import base64

import pytest

from trustdesk.tickets import services as tickets
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

MISSING = 987654321


@pytest.fixture
def other_teams_ticket(make_ticket, team_b):
    return make_ticket(subject="Team B's secret", team=team_b,
                       attachments=[NewAttachment("b.txt", "text/plain", b"for team B")])


def _attachment_id(ticket) -> int:
    return Message.objects.get(ticket=ticket).attachments.get().pk


def test_other_teams_ticket_is_404_like_a_missing_one(agent_api, other_teams_ticket,
                                                      api_error):
    hidden = agent_api.get(f"/api/v1/tickets/{other_teams_ticket.pk}")
    missing = agent_api.get(f"/api/v1/tickets/{MISSING}")

    api_error(hidden, 404, "not_found", None)
    assert hidden.content == missing.content
    assert hidden.status_code == missing.status_code
    assert b"secret" not in hidden.content


@pytest.mark.parametrize(("method", "suffix", "data"), [
    ("get", "/messages", None),
    ("post", "/messages", {"body": "Hello"}),
    ("post", "/messages", {"body": "Hello", "direction": "inbound",
                           "reason": "Caller on the line"}),
    ("patch", "", {"status": "solved"}),
    ("patch", "", {"assignee_id": None}),
])
def test_every_ticket_endpoint_hides_other_teams_tickets(agent, agent_api, post_json,
                                                         other_teams_ticket, method, suffix,
                                                         data):
    def call(ticket_id):
        if data is None:
            return agent_api.get(f"/api/v1/tickets/{ticket_id}{suffix}")
        return post_json(agent_api, f"/tickets/{ticket_id}{suffix}", data, method=method)

    hidden, missing = call(other_teams_ticket.pk), call(MISSING)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    other_teams_ticket.refresh_from_db()
    assert other_teams_ticket.status == "new"
    assert other_teams_ticket.assignee_id is None
    assert Message.objects.filter(ticket=other_teams_ticket).count() == 1


def test_other_teams_attachment_is_404_like_a_missing_one(agent_api, other_teams_ticket,
                                                          api_error):
    hidden = agent_api.get(f"/api/v1/attachments/{_attachment_id(other_teams_ticket)}")
    missing = agent_api.get(f"/api/v1/attachments/{MISSING}")
    api_error(hidden, 404, "not_found")
    assert hidden.content == missing.content
    assert b"for team B" not in hidden.content


def test_list_shows_own_team_unteamed_and_own_tickets_only(
        agent, agent_api, make_ticket, team_a, team_b, other_teams_ticket, system):
    own_team = make_ticket(team=team_a)
    no_team = make_ticket()
    mine_elsewhere = make_ticket(team=team_b)
    tickets.ticket_update(actor=system, ticket_id=mine_elsewhere.pk, assignee_id=agent.pk)

    response = agent_api.get("/api/v1/tickets", {"page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert {t["id"] for t in body["items"]} == {own_team.pk, no_team.pk, mine_elsewhere.pk}
    assert body["total"] == 3
    # Searching for it by number or subject does not find it either.
    for q in (str(other_teams_ticket.pk), "secret"):
        found = agent_api.get("/api/v1/tickets", {"q": q}).json()
        assert found["items"] == [] and found["total"] == 0
    assert agent_api.get(f"/api/v1/tickets/{mine_elsewhere.pk}").status_code == 200


def test_supervisor_sees_every_team(supervisor_api, other_teams_ticket):
    assert supervisor_api.get(f"/api/v1/tickets/{other_teams_ticket.pk}").status_code == 200
    listed = supervisor_api.get("/api/v1/tickets").json()
    assert [t["id"] for t in listed["items"]] == [other_teams_ticket.pk]
    download = supervisor_api.get(f"/api/v1/attachments/{_attachment_id(other_teams_ticket)}")
    assert download.content == b"for team B"


def test_a_ticket_created_without_a_team_is_visible_to_its_creator(agent_api, post_json,
                                                                   make_customer):
    """No team means the shared queue, which every agent sees."""
    response = post_json(agent_api, "/tickets", {
        "customer_id": str(make_customer().id), "subject": "Phone call", "body": "Notes",
        "reason": "Caller on the line",
        "attachments": [{"filename": "n.txt",
                         "content_base64": base64.b64encode(b"n").decode()}],
    })
    assert response.status_code == 201, response.content
    assert agent_api.get(f"/api/v1/tickets/{response.json()['id']}").status_code == 200


def test_agent_may_not_file_a_ticket_into_another_teams_queue(agent_api, post_json,
                                                              make_customer, team_a, team_b,
                                                              api_error):
    customer = make_customer()
    data = {"customer_id": str(customer.id), "subject": "Routing", "body": "Please",
            "reason": "Caller on the line"}

    api_error(post_json(agent_api, "/tickets", {**data, "team_id": team_b.pk}), 403,
              "forbidden")
    assert not Ticket.objects.exists()

    response = post_json(agent_api, "/tickets", {**data, "team_id": team_a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["team"] == {"id": team_a.pk, "name": "Team A"}


@pytest.mark.parametrize("role", ["senior_agent", "supervisor"])
def test_a_created_ticket_is_visible_to_its_creator(api_client, make_user, post_json,
                                                    make_customer, team_a, team_b, role):
    """Whatever the role, creating a ticket never answers 404 for a ticket it stored."""
    client = api_client(make_user(role, teams=[team_a]))
    response = post_json(client, "/tickets", {
        "customer_id": str(make_customer().id), "subject": "Routing", "body": "Please",
        "team_id": team_b.pk, "reason": "Caller on the line"})
    if response.status_code == 201:
        assert client.get(f"/api/v1/tickets/{response.json()['id']}").status_code == 200
    else:
        assert response.status_code == 403, response.content
        assert not Ticket.objects.exists()
