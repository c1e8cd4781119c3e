"""A signed-in customer's tickets: only their own, only the public conversation, no
agent-side information; opening and answering go through the mail channel's services
(redaction, customer_wrote); the customer Actor is refused by every staff use case."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client

from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied
from trustdesk.customers import selectors as customer_selectors
from trustdesk.tickets import portal, services
from trustdesk.tickets import selectors as ticket_selectors
from trustdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db
PAN = "4111 1111 1111 1111"


@pytest.fixture
def desk(make_customer, make_ticket, make_user, make_team, system):
    team = make_team("Billing escalations")
    agent = make_user("agent", teams=[team], name="Agatha Agentname")
    alice, bob = make_customer(), make_customer()
    mine = make_ticket(alice, subject="Parcel missing", body="Where is my parcel?", team=team)
    services.ticket_update(actor=system, ticket_id=mine.pk, assignee_id=agent.pk)
    services.ticket_reply(actor=system, ticket_id=mine.pk, internal=True,
                          body="Internal: customer seems annoyed, check the refund rules.")
    services.ticket_reply(actor=system, ticket_id=mine.pk, body="It is on its way.")
    from trustdesk.tickets import tagging

    tagging.ticket_tags_change(actor=system, ticket_id=mine.pk, add=["vip-escalation"])
    theirs = make_ticket(bob, subject="Bob's private matter", body="Bob's words.")
    return {"alice": alice, "bob": bob, "mine": mine, "theirs": theirs, "agent": agent}


def test_a_customer_sees_only_their_own_tickets(desk, portal_client):
    client = portal_client(desk["alice"])
    home = client.get("/help/").content.decode()
    assert "Parcel missing" in home and "Bob&#x27;s private matter" not in home
    assert "Bob's private matter" not in home
    assert client.get(f"/help/tickets/{desk['theirs'].pk}/").status_code == 404
    assert client.get("/help/tickets/999999/").status_code == 404
    assert client.post(f"/help/tickets/{desk['theirs'].pk}/answer/",
                       {"body": "hijack"}).status_code == 404
    assert not Message.objects.filter(ticket=desk["theirs"], direction="inbound")\
        .exclude(pk=desk["theirs"].messages.first().pk).exists()


def test_the_conversation_shows_no_note_and_nothing_agent_side(desk, portal_client):
    client = portal_client(desk["alice"])
    page = client.get(f"/help/tickets/{desk['mine'].pk}/").content.decode()
    assert "Where is my parcel?" in page and "It is on its way." in page
    for secret in ("Internal: customer seems annoyed", "Agatha", "Agentname",
                   "Billing escalations", "vip-escalation", "priority", "SLA", "due"):
        assert secret not in page, secret


def test_opening_a_ticket_redacts_as_for_mail(make_customer, portal_client):
    customer = make_customer()
    client = portal_client(customer)
    response = client.post("/help/new/", {"subject": "Charged twice",
                                          "body": f"My card {PAN} was charged twice."})
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer_id=customer.id)
    assert ticket.customer_wrote and ticket.channel == "web"
    page = client.get(response["Location"]).content.decode()
    assert "Charged twice" in page and PAN not in page and "4111111111111111" not in page
    assert "[card 411111" in page and "card_" not in page.replace("[card ", "")


def test_opening_a_ticket_with_nothing_in_it_is_refused(make_customer, portal_client):
    customer = make_customer()
    client = portal_client(customer)
    response = client.post("/help/new/", {"subject": "", "body": "words"})
    assert response.status_code == 400 and b'role="alert"' in response.content
    assert not Ticket.objects.filter(customer_id=customer.id).exists()


def test_answering_reopens_and_counts_as_the_customer_writing(desk, portal_client, system):
    client = portal_client(desk["alice"])
    services.ticket_update(actor=system, ticket_id=desk["mine"].pk, status="solved")
    response = client.post(f"/help/tickets/{desk['mine'].pk}/answer/",
                           {"body": "It did not arrive after all."})
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=desk["mine"].pk)
    assert ticket.status == "open" and ticket.customer_wrote
    assert ticket.messages.filter(direction="inbound").count() == 2


def test_a_closed_ticket_takes_no_answer(desk, portal_client, system):
    client = portal_client(desk["alice"])
    services.ticket_update(actor=system, ticket_id=desk["mine"].pk, status="closed")
    page = client.get(f"/help/tickets/{desk['mine'].pk}/")
    assert b"data-answer" not in page.content
    response = client.post(f"/help/tickets/{desk['mine'].pk}/answer/", {"body": "More."})
    assert response.status_code == 400


def test_the_customer_actor_holds_no_staff_permission(desk):
    actor = Actor.customer(desk["alice"].id)
    forged = dataclasses.replace(actor, role="admin")
    for who in (actor, forged):
        assert policy.permissions_of(who) == frozenset()
        assert not policy.has_permission(who, "ticket.view")
        with pytest.raises(PermissionDenied):
            policy.require(who, "customer.view")
        with pytest.raises((PermissionDenied, NotFound)):
            ticket_selectors.ticket_get(actor=who, ticket_id=desk["mine"].pk)
        with pytest.raises(PermissionDenied):
            customer_selectors.customer_get(actor=who, customer_id=desk["alice"].id)
        with pytest.raises(PermissionDenied):
            services.ticket_reply(actor=who, ticket_id=desk["mine"].pk, body="x")
        with pytest.raises(PermissionDenied):
            customer_selectors.customer_for_contact(actor=who, field="email",
                                                    value=desk["alice"].profile["email"])


def test_portal_use_cases_refuse_anyone_but_a_customer(desk, system, as_actor):
    for who in (system, as_actor(desk["agent"]), Actor.anonymous("x")):
        with pytest.raises(PermissionDenied):
            portal.my_tickets(actor=who)
        with pytest.raises(PermissionDenied):
            portal.my_ticket(actor=who, ticket_id=desk["mine"].pk)


def test_signed_out_the_ticket_pages_send_one_to_sign_in(desk):
    response = Client().get(f"/help/tickets/{desk['mine'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/help/")
