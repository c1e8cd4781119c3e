"""Where need-to-know comes from, and where it does not: an agent cannot grant it to
themself quietly. A ticket gives it when the customer wrote on it, when someone else
assigned or routed it, or when the agent declared a contact on it with a reason (audited,
counted, alerted on in bulk). Taking a ticket, or opening one, gives nothing by itself."""

from __future__ import annotations

import pytest

from trustdesk.access.models import Alert
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.customers.visibility import known_customers
from trustdesk.tickets import services as tickets
from trustdesk.tickets.models import DeclaredContact, Ticket

pytestmark = pytest.mark.django_db
CALLER = "Caller on the line"


def knows(user, customer) -> bool:
    return customer.id in known_customers(actor_for_user(user), [customer.id])


def email_access(client, customer) -> str:
    response = client.get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 200, response.content
    return response.json()["access"]["email"]


def opened_by(user, customer, **extra) -> Ticket:
    """A ticket ``user`` opened for ``customer`` (a declared contact)."""
    return tickets.ticket_create(actor=actor_for_user(user), customer_id=customer.id,
                                 subject="Called in", body="Asked about an order",
                                 reason=CALLER, **extra)


def test_opening_a_ticket_for_a_customer_needs_a_reason(agent, customer, api_client,
                                                        api_error):
    client = api_client(agent)
    data = {"customer_id": str(customer.id), "subject": "Called in", "body": "Order 12"}
    for reason in (None, "   ", "ok", "\u200b\u200b\u200b\u200b\u200b\u200b"):
        body = data if reason is None else {**data, "reason": reason}
        error = api_error(client.post("/api/v1/tickets", body,
                                      content_type="application/json"), 400, "invalid")
        assert error["field"] == "reason"
    assert not Ticket.objects.exists() and email_access(client, customer) == "locked"


def test_a_declared_contact_gives_need_to_know_and_is_on_record(agent, customer, api_client):
    client = api_client(agent)
    assert email_access(client, customer) == "locked"
    response = client.post("/api/v1/tickets", {
        "customer_id": str(customer.id), "subject": "Called in", "body": "Order 12",
        "reason": "  Caller on the line  "}, content_type="application/json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert not ticket.customer_wrote
    contact = DeclaredContact.objects.get(ticket=ticket)
    assert (contact.user_id, contact.reason) == (agent.pk, "Caller on the line")
    event = AuditEvent.objects.get(action="contact.declare")
    assert (event.actor_user_id, event.object_id, event.reason) == (
        agent.pk, str(ticket.pk), "Caller on the line")
    assert event.context["count_24h"] == 1
    assert email_access(client, customer) == "masked"
    assert not Alert.objects.exists()  # one contact is the daily work


def test_taking_a_ticket_the_customer_never_wrote_on_gives_nothing(make_user, customer):
    other, agent = make_user("agent"), make_user("agent")
    ticket = opened_by(other, customer)  # unrouted, unassigned: in the shared queue
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk
    assert not knows(agent, customer) and knows(other, customer)
    # Answering it (which takes it) gives nothing either.
    third = make_user("agent")
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk, assignee_id=None)
    tickets.ticket_reply(actor=actor_for_user(third), ticket_id=ticket.pk, body="Hello")
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == third.pk
    assert not knows(third, customer)


def test_routing_to_ones_own_team_gives_oneself_nothing(make_user, make_team, customer):
    team = make_team()
    agent = make_user("agent", teams=[team])
    senior = make_user("senior_agent", teams=[team])
    ticket = opened_by(make_user("agent"), customer)  # unrouted, in the shared queue
    assert not knows(agent, customer) and not knows(senior, customer)
    # A senior agent routes it to their own team: their colleagues were routed work, the
    # senior agent themself gained nothing by it.
    tickets.ticket_update(actor=actor_for_user(senior), ticket_id=ticket.pk, team_id=team.pk)
    assert knows(agent, customer) and not knows(senior, customer)


def test_the_customer_writing_gives_need_to_know_to_whoever_works_the_ticket(
        make_user, customer, system):
    agent = make_user("agent")
    ticket = tickets.ticket_create(actor=system, customer_id=customer.id,
                                   subject="Where is my order", body="It is late")
    assert Ticket.objects.get(pk=ticket.pk).customer_wrote
    assert not knows(agent, customer)
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    assert knows(agent, customer)


def test_the_customer_answering_grounds_a_declared_ticket(make_user, customer, system):
    other, agent = make_user("agent"), make_user("agent")
    ticket = opened_by(other, customer)
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    assert not knows(agent, customer)
    tickets.ticket_add_inbound(actor=system, ticket_id=ticket.pk, body="Thanks, and also…")
    assert knows(agent, customer)


def test_an_assignment_by_a_supervisor_gives_need_to_know(make_user, customer):
    other, agent = make_user("agent"), make_user("agent")
    ticket = opened_by(other, customer)
    supervisor = actor_for_user(make_user("supervisor"))
    tickets.ticket_update(actor=supervisor, ticket_id=ticket.pk, assignee_id=agent.pk)
    assert knows(agent, customer)
    # It lasts as long as the assignment: taken away, it is gone.
    tickets.ticket_update(actor=supervisor, ticket_id=ticket.pk, assignee_id=None)
    assert not knows(agent, customer)


def test_taking_down_a_further_message_is_a_declared_contact(make_user, customer, system,
                                                              api_client, api_error):
    agent = make_user("agent")
    ticket = opened_by(make_user("agent"), customer)
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    client = api_client(agent)
    url = f"/api/v1/tickets/{ticket.pk}/messages"
    error = api_error(client.post(url, {"body": "She called back", "direction": "inbound"},
                                  content_type="application/json"), 400, "invalid")
    assert error["field"] == "reason"
    assert not knows(agent, customer)
    response = client.post(url, {"body": "She called back", "direction": "inbound",
                                 "reason": CALLER}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert knows(agent, customer)
    assert not Ticket.objects.get(pk=ticket.pk).customer_wrote
    assert DeclaredContact.objects.filter(ticket=ticket, user=agent).count() == 1


def test_many_declared_contacts_alert_security_once_a_day(make_user, make_customer, settings):
    settings.ACCESS_DECLARED_CONTACTS_PER_DAY = 2
    agent = make_user("agent")
    for _ in range(2):
        opened_by(agent, make_customer())
    assert not Alert.objects.exists()
    third = make_customer()
    opened_by(agent, third)
    alert = Alert.objects.get()
    assert (alert.kind, alert.actor_user_id, alert.customer_id) == (
        "declared_contacts", agent.pk, third.id)
    assert "3 contacts" in alert.reason
    opened_by(agent, make_customer())
    assert Alert.objects.count() == 1
    assert AuditEvent.objects.filter(action="contact.declare").last().context[
        "count_24h"] == 4


def test_the_console_asks_why_a_ticket_is_opened(console_client, make_user, customer):
    agent = make_user("agent")
    client = console_client(agent)
    url = f"/tickets/new/?customer={customer.id}"
    form = {"customer_id": customer.id, "subject": "Called", "body": "Order 12",
            "channel": "phone", "priority": "normal"}
    assert client.post(url, form).status_code == 400
    assert not Ticket.objects.exists()
    assert client.post(url, {**form, "reason": CALLER}).status_code == 302
    assert DeclaredContact.objects.get().user_id == agent.pk
