"""Bulk actions: one change to the ticked tickets, made ticket by ticket through the same
services (each checked, locked and audited on its own), with the tickets that refuse it
left as they were and reported, and one ``ticket.bulk`` event for the whole."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import PermissionDenied, ValidationError
from trustdesk.tickets import bulk, services
from trustdesk.tickets.models import Ticket, TicketTag

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(make_user, make_team, make_ticket):
    team, other = make_team("Orders"), make_team("Billing")
    agent = make_user("agent", teams=[team])
    lead = make_user("senior_agent", teams=[team])
    mine = [make_ticket(team=team) for _ in range(3)]
    return {"team": team, "other": other, "agent": agent, "lead": lead, "mine": mine,
            "elsewhere": make_ticket(team=other)}


def _ids(tickets):
    return [t.pk for t in tickets]


def test_status_and_tags_on_every_ticket_each_audited(queue):
    who = actor_for_user(queue["agent"])
    result = bulk.tickets_bulk(actor=who, ticket_ids=_ids(queue["mine"]), status="pending",
                               add_tags=["Waiting on courier"])
    assert result.done == _ids(queue["mine"]) and not result.refused
    assert set(Ticket.objects.filter(pk__in=result.done).values_list("status", flat=True)) \
        == {"pending"}
    assert TicketTag.objects.filter(tag__name="waiting-on-courier").count() == 3
    assert AuditEvent.objects.filter(action="ticket.update").count() == 3
    assert AuditEvent.objects.filter(action="ticket.tag").count() == 3
    summary = AuditEvent.objects.get(action="ticket.bulk")
    assert summary.actor_user_id == queue["agent"].pk


def test_a_ticket_that_refuses_is_left_as_it_was_and_reported(queue, system):
    who = actor_for_user(queue["agent"])
    closed = queue["mine"][0]
    services.ticket_update(actor=system, ticket_id=closed.pk, status="closed")
    ids = [*_ids(queue["mine"]), queue["elsewhere"].pk, 999_999]
    result = bulk.tickets_bulk(actor=who, ticket_ids=ids, priority="high",
                               add_tags=["escalated"])
    assert result.done == _ids(queue["mine"][1:])
    assert set(result.refused) == {closed.pk, queue["elsewhere"].pk, 999_999}
    # Out of reach and non-existent read the same: nothing says the other one exists.
    assert result.refused[queue["elsewhere"].pk] == result.refused[999_999] == "Not found."
    assert "closed" in result.refused[closed.pk]
    assert Ticket.objects.get(pk=queue["elsewhere"].pk).priority == "normal"
    assert not TicketTag.objects.filter(ticket_id__in=[closed.pk, queue["elsewhere"].pk])


def test_the_update_is_undone_when_the_tags_refuse_on_the_same_ticket(queue):
    who = actor_for_user(queue["agent"])
    ticket = queue["mine"][0]
    from trustdesk.tickets import tagging

    tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk,
                               add=[f"t{i}" for i in range(20)])
    result = bulk.tickets_bulk(actor=who, ticket_ids=[ticket.pk], priority="urgent",
                               add_tags=["one-more"])
    assert ticket.pk in result.refused
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert not AuditEvent.objects.filter(action="ticket.update", object_id=str(ticket.pk))


def test_assigning_to_others_takes_the_permission_and_each_refusal_is_recorded(queue):
    agent, lead = queue["agent"], queue["lead"]
    ids = _ids(queue["mine"])
    result = bulk.tickets_bulk(actor=actor_for_user(agent), ticket_ids=ids,
                               assignee_id=lead.pk)
    assert result.done == [] and set(result.refused) == set(ids)
    assert AuditEvent.objects.filter(action="access.denied", outcome="denied").count() == 3
    taken = bulk.tickets_bulk(actor=actor_for_user(agent), ticket_ids=ids,
                              assignee_id=agent.pk)
    assert taken.done == ids
    let_go = bulk.tickets_bulk(actor=actor_for_user(lead), ticket_ids=ids, assignee_id=None)
    assert let_go.done == ids
    again = bulk.tickets_bulk(actor=actor_for_user(lead), ticket_ids=ids, assignee_id=None)
    assert again.done == [] and again.unchanged == ids
    handed = bulk.tickets_bulk(actor=actor_for_user(lead), ticket_ids=ids,
                               team_id=queue["other"].pk)
    assert handed.done == ids
    assert set(Ticket.objects.filter(pk__in=ids).values_list("team_id", "assignee_id")) == {
        (queue["other"].pk, None)}
    # Moved to a team the lead is not in, they are out of the lead's reach.
    gone = bulk.tickets_bulk(actor=actor_for_user(lead), ticket_ids=ids, priority="low")
    assert gone.refused == dict.fromkeys(ids, "Not found.")


@pytest.mark.parametrize("kwargs, field", [
    ({"ticket_ids": []}, "ids"), ({"ticket_ids": list(range(1, 102))}, "ids"),
    ({"ticket_ids": ["1; drop"]}, "ids"), ({"ticket_ids": [1]}, "action"),
    ({"ticket_ids": [1], "status": "gone"}, "status"),
    ({"ticket_ids": [1], "add_tags": ["jane@example.com"]}, "tags"),
])
def test_a_bad_request_changes_nothing(queue, kwargs, field):
    # Ticket 1 as given, and the agent's own ticket: whether or not an id is in reach,
    # a value no ticket could take is refused before any is touched.
    for ids in (kwargs["ticket_ids"], [queue["mine"][0].pk] if kwargs["ticket_ids"] == [1]
                else kwargs["ticket_ids"]):
        with pytest.raises(ValidationError) as raised:
            bulk.tickets_bulk(actor=actor_for_user(queue["agent"]),
                              **{**kwargs, "ticket_ids": ids})
        assert raised.value.field == field
    assert not AuditEvent.objects.filter(action__in=("ticket.update", "ticket.bulk"))


def test_roles_without_update_are_refused(queue, make_user):
    with pytest.raises(PermissionDenied):
        bulk.tickets_bulk(actor=actor_for_user(make_user("billing")),
                          ticket_ids=_ids(queue["mine"]), status="solved")


def test_api(queue, api_client):
    client = api_client(queue["lead"])
    ids = [*_ids(queue["mine"]), queue["elsewhere"].pk]
    response = client.post("/api/v1/tickets/bulk", {
        "ids": ids, "status": "solved", "assignee_id": None, "add_tags": ["batch"]},
        content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["done"] == _ids(queue["mine"])
    assert body["refused"] == [{"id": queue["elsewhere"].pk, "error": "Not found."}]
    unknown = client.post("/api/v1/tickets/bulk", {"ids": ids, "colour": "red"},
                          content_type="application/json")
    assert unknown.status_code == 400
    nothing = client.post("/api/v1/tickets/bulk", {"ids": ids},
                          content_type="application/json")
    assert nothing.status_code == 400 and nothing.json()["error"]["field"] == "action"


def test_console(queue, console_client):
    client = console_client(queue["agent"])
    ids = _ids(queue["mine"])
    page = client.get("/tickets/").content.decode()
    assert 'id="bulk-form"' in page and "data-select-all" in page
    # An agent is offered themself only, and no team to move tickets to.
    assert f'<option value="{queue["lead"].pk}"' not in page.split('id="bulk-form"')[1]
    response = client.post("/tickets/bulk/", {"ids": ids, "status": "solved",
                                              "next": "/tickets/?status=active"}, follow=True)
    assert response.redirect_chain[-1][0] == "/tickets/?status=active"
    assert "Changed 3 tickets." in response.content.decode()
    off_site = client.post("/tickets/bulk/", {"ids": ids, "priority": "high",
                                              "next": "https://evil.example/"})
    assert off_site["Location"] == "/tickets/"
    none = client.post("/tickets/bulk/", {"status": "open"}, follow=True).content.decode()
    assert "Select tickets first." in none
