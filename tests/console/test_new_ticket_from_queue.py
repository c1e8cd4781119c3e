""""New ticket" from the queue: find the customer by name, open the ticket in one's own
team, assigned to oneself; assigning someone else or filing into another team's queue
takes the permissions it takes in ticket_update, in the service."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.core.errors import PermissionDenied
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_supervisor_opens_one_from_the_queue(make_user, make_team, make_customer,
                                               console_client):
    team = make_team("Orders")
    boss = make_user("supervisor", teams=[team])
    agent = make_user("agent", teams=[team], name="Grace Agent")
    ada = make_customer(full_name="Ada Lovelace")
    client = console_client(boss)
    assert b"New ticket" in client.get("/tickets/").content
    picked = client.get("/tickets/new/", {"q": "ada lov"}).content.decode()
    assert f"/tickets/new/?customer={ada.id}" in picked
    form = client.get("/tickets/new/", {"customer": ada.id}).content.decode()
    assert f'<option value="{team.pk}" selected>Orders</option>' in form
    response = client.post("/tickets/new/", {
        "customer_id": ada.id, "subject": "Broken lid", "body": "Lid arrived cracked.",
        "channel": "phone", "priority": "high", "team_id": team.pk, "assignee_id": agent.pk,
        "reason": "Caller on the line"})
    ticket = Ticket.objects.get(subject="Broken lid")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.team_id, ticket.assignee_id, ticket.priority) == (team.pk, agent.pk, "high")


def test_the_service_holds_the_rules_whatever_the_door(make_user, make_team, make_customer):
    mine, theirs = make_team("Mine"), make_team("Theirs")
    agent = make_user("agent", teams=[mine])
    other = make_user("agent", teams=[mine])
    ada = make_customer()
    act = actor_for_user(agent)
    ticket = tickets.ticket_create(actor=act, customer_id=ada.id, subject="Mine",
                                   body="Hello", team_id=mine.pk, assignee_id=agent.pk,
                                   reason="Caller on the line")
    assert (ticket.team_id, ticket.assignee_id) == (mine.pk, agent.pk)
    with pytest.raises(PermissionDenied):
        tickets.ticket_create(actor=act, customer_id=ada.id, subject="To a colleague",
                              body="Hello", assignee_id=other.pk, reason="Caller")
    with pytest.raises(PermissionDenied):
        tickets.ticket_create(actor=act, customer_id=ada.id, subject="Elsewhere",
                              body="Hello", team_id=theirs.pk, reason="Caller")
    assert Ticket.objects.count() == 1  # nothing half-written


def test_the_api_takes_team_and_assignee(make_user, make_team, make_customer, api_client):
    team = make_team("Orders")
    agent, other = make_user("agent", teams=[team]), make_user("agent", teams=[team])
    ada = make_customer()
    client = api_client(agent)
    body = {"customer_id": str(ada.id), "subject": "Hi", "body": "Hello",
            "reason": "On the phone", "team_id": team.pk}
    mine = client.post("/api/v1/tickets", {**body, "assignee_id": agent.pk},
                       content_type="application/json")
    assert mine.status_code == 201 and mine.json()["assignee"]["id"] == agent.pk
    theirs = client.post("/api/v1/tickets", {**body, "assignee_id": other.pk},
                         content_type="application/json")
    assert theirs.status_code == 403
