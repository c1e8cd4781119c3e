"""A ticket's activity in its thread: who changed what, read back from the audit trail,
in plain words, with nothing else of the trail shown."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.core.errors import PermissionDenied
from trustdesk.tickets import selectors, services, tagging
from trustdesk.tickets.activity import ticket_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(make_user, make_team, make_ticket, system):
    team, billing = make_team("Orders"), make_team("Billing")
    lead = make_user("supervisor", teams=[team], name="Lena Lead")
    grace = make_user("agent", teams=[team], name="Grace Agent")
    ticket = make_ticket(team=team)
    who = actor_for_user(lead)
    services.ticket_update(actor=who, ticket_id=ticket.pk, status="open", priority="high")
    services.ticket_update(actor=who, ticket_id=ticket.pk, assignee_id=grace.pk)
    tagging.ticket_tags_change(actor=actor_for_user(grace), ticket_id=ticket.pk,
                               add=["refund"])
    services.ticket_update(actor=who, ticket_id=ticket.pk, team_id=billing.pk,
                           subject="Refund for order 12")
    services.ticket_update(actor=system, ticket_id=ticket.pk, assignee_id=None)
    return {"ticket": ticket, "lead": lead, "grace": grace}


def test_each_change_in_words_with_who_did_it(worked):
    activity = ticket_activity(worked["ticket"])
    assert [(a.who, a.changes) for a in activity] == [
        ("Lena Lead", ("set the status to Open", "set the priority to High")),
        ("Lena Lead", ("assigned it to Grace Agent",)),
        ("Grace Agent", ("tagged it refund",)),
        ("Lena Lead", ("moved it to Billing", "changed the subject")),
        ("TrustDesk", ("unassigned it",)),
    ]
    assert [a.at for a in activity] == sorted(a.at for a in activity)


def test_reads_and_refusals_are_not_activity(worked):
    ticket = worked["ticket"]
    before = len(ticket_activity(ticket))
    selectors.ticket_get(actor=actor_for_user(worked["lead"]), ticket_id=ticket.pk)
    services.ticket_update(actor=actor_for_user(worked["lead"]), ticket_id=ticket.pk,
                           priority="high")  # no change: nothing recorded
    assert len(ticket_activity(ticket)) == before


def test_a_refused_change_is_not_activity(make_user, make_team, make_ticket):
    team = make_team()
    agent, other = make_user("agent", teams=[team]), make_user("agent", teams=[team])
    ticket = make_ticket(team=team)
    with pytest.raises(PermissionDenied):
        services.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                               assignee_id=other.pk)
    assert ticket_activity(ticket) == []


def test_a_declared_contact_shows_without_its_reason(make_user, make_team, make_customer):
    team = make_team()
    agent = make_user("agent", teams=[team])
    ticket = services.ticket_create(actor=actor_for_user(agent),
                                    customer_id=make_customer().id, subject="Call",
                                    body="Caller asked about a refund.", team_id=team.pk,
                                    reason="Caller Jane Roe on the line")
    activity = ticket_activity(ticket)
    assert [a.changes for a in activity] == [("took down a message on the customer's behalf",)]
    assert "Jane" not in repr(activity)


def test_console_thread_and_api(worked, console_client, api_client):
    ticket = worked["ticket"]
    # Moved to Billing and unassigned, the ticket is out of Grace's reach, activity too.
    assert console_client(worked["grace"]).get(f"/tickets/{ticket.pk}/").status_code == 404
    assert api_client(worked["grace"]).get(
        f"/api/v1/tickets/{ticket.pk}/activity").status_code == 404
    page = console_client(worked["lead"]).get(f"/tickets/{ticket.pk}/").content.decode()
    assert page.count("data-activity") == 5
    assert "assigned it to Grace Agent" in page
    # In time order with the conversation: the first message comes before any change.
    assert page.index('class="msg msg-inbound"') < page.index("data-activity")
    api = api_client(worked["lead"]).get(f"/api/v1/tickets/{ticket.pk}/activity")
    assert api.status_code == 200
    assert [a["action"] for a in api.json()] == ["ticket.update", "ticket.update",
                                                 "ticket.tag", "ticket.update",
                                                 "ticket.update"]
    assert api.json()[2] == {**api.json()[2], "who": "Grace Agent",
                             "changes": ["tagged it refund"]}
