"""Copies (CC): other people's addresses, sealed under the customer's key, shown as the
customer's own email address is to the reader, changed by position, audited without an
address."""

from __future__ import annotations

import pytest

from planted import PROFILE
from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import cc
from trustdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team, make_customer, make_ticket):
    team = make_team("Orders")
    agent = make_user("agent", teams=[team])
    lead = make_user("supervisor", teams=[team])
    ticket = make_ticket(make_customer(**PROFILE), team=team, channel="email")
    return {"agent": agent, "lead": lead, "a": actor_for_user(agent),
            "l": actor_for_user(lead), "ticket": ticket}


def test_sealed_masked_by_role_and_audited_without_an_address(desk):
    t = desk["ticket"]
    shown = cc.ticket_cc_change(actor=desk["l"], ticket_id=t.pk,
                                add=["Boss@Acme.example", "boss@acme.example", "ops@acme.example"])
    assert shown == ["b***@acme.example", "o***@acme.example"]  # revealable: masked
    stored = bytes(Ticket.objects.get(pk=t.pk).cc_sealed)
    assert b"boss" not in stored and b"acme" not in stored
    assert cc.addresses(Ticket.objects.get(pk=t.pk)) == ["boss@acme.example",
                                                         "ops@acme.example"]
    event = AuditEvent.objects.get(action="ticket.cc")
    assert event.context["added"] == 2 and b"acme" not in bytes(event.body)
    assert cc.ticket_cc_change(actor=desk["a"], ticket_id=t.pk, remove=[0]) == [
        "o***@acme.example"]


@pytest.mark.parametrize("add, remove, why", [
    (["not an address"], [], "email addresses"), ([], [5], "No such copy"),
    ([f"p{i}@acme.example" for i in range(11)], [], "At most 10"),
])
def test_bad_changes(desk, add, remove, why):
    with pytest.raises(ValidationError, match=why):
        cc.ticket_cc_change(actor=desk["a"], ticket_id=desk["ticket"].pk, add=add,
                            remove=remove)


def test_out_of_reach_and_roles(desk, make_user, make_ticket, make_team):
    other = make_ticket(team=make_team("Billing"))
    with pytest.raises(NotFound):
        cc.ticket_cc_change(actor=desk["a"], ticket_id=other.pk, add=["x@acme.example"])
    with pytest.raises(PermissionDenied):
        cc.ticket_cc_change(actor=actor_for_user(make_user("billing")),
                            ticket_id=desk["ticket"].pk, add=["x@acme.example"])


def test_intake_adds_whom_the_customer_copied_but_not_support_or_themself(desk):
    t = desk["ticket"]
    new = cc.from_mail(t, ["help@support.example", PROFILE["email"], "boss@acme.example",
                           "not-an-address"], exclude=["help@support.example",
                                                        PROFILE["email"]])
    assert new == 1 and cc.addresses(Ticket.objects.get(pk=t.pk)) == ["boss@acme.example"]


def test_console_and_api(desk, console_client, api_client):
    t = desk["ticket"]
    client = console_client(desk["agent"])
    client.post(f"/tickets/{t.pk}/cc/", {"add": "boss@acme.example"})
    page = client.get(f"/tickets/{t.pk}/").content.decode()
    assert "b***@acme.example" in page and "boss@acme.example" not in page
    api = api_client(desk["lead"])
    assert api.get(f"/api/v1/tickets/{t.pk}/cc").json() == ["b***@acme.example"]
    assert api.post(f"/api/v1/tickets/{t.pk}/cc", {"remove": [0]},
                    content_type="application/json").json() == []
