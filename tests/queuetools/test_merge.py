"""Merging tickets of one customer: the conversation, files, declared contacts, tags and
search terms move to the target; the sources close and point to it; mail answering a
source goes to the target; tickets of different customers never merge."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.search.models import Term
from trustdesk.tickets import merge, selectors, services, tagging
from trustdesk.tickets.attachments import NewAttachment
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_user, make_team, make_customer, make_ticket, system):
    team = make_team("Orders")
    agent = make_user("agent", teams=[team], name="Grace Agent")
    ada = make_customer(full_name="Ada Lovelace")
    first = make_ticket(ada, team=team, subject="Parcel late", body="Where is my teapot?")
    second = make_ticket(ada, team=team, subject="Still no parcel",
                         body="The brass gears never came.",
                         attachments=[NewAttachment("receipt.txt", "text/plain", b"paid")])
    tagging.ticket_tags_change(actor=system, ticket_id=second.pk, add=["courier"])
    return {"team": team, "agent": agent, "ada": ada, "first": first, "second": second}


def test_everything_moves_and_the_source_points_to_the_target(two):
    who = actor_for_user(two["agent"])
    target = merge.tickets_merge(actor=who, target_id=two["first"].pk,
                                 source_ids=[f"#{two['second'].pk}"])
    detail = selectors.ticket_get(actor=who, ticket_id=target.pk)
    assert [m.body for m in detail.messages] == ["Where is my teapot?",
                                                 "The brass gears never came."]
    assert detail.messages[1].attachment_list[0].filename == "receipt.txt"
    assert [t.name for t in target.tags.all()] == ["courier"]
    source = Ticket.objects.get(pk=two["second"].pk)
    assert source.status == "closed" and source.merged_into_id == target.pk
    assert not Message.objects.filter(ticket=source).exists()
    # Its words find the target now; its subject still finds the merged ticket itself.
    found = selectors.ticket_list(actor=who, filters=selectors.TicketFilters(
        q="brass gears", status=None))
    assert [r.ticket.pk for r in found.items] == [target.pk]
    by_subject = selectors.ticket_list(actor=who, filters=selectors.TicketFilters(
        q="still no parcel", status=None))
    assert [r.ticket.pk for r in by_subject.items] == [source.pk]
    assert not Term.objects.filter(ticket_id=source.pk, scope="m").exists()
    assert AuditEvent.objects.get(action="ticket.merge").object_id == str(target.pk)
    assert AuditEvent.objects.get(action="ticket.merged_into").object_id == str(source.pk)
    activity = [a.changes for a in selectors.ticket_get(actor=who, ticket_id=target.pk
                                                        ).activity]
    assert (f"merged #{source.pk} into it",) in activity


def test_different_customers_never_merge(two, make_ticket, make_customer):
    other = make_ticket(make_customer(), team=two["team"])
    with pytest.raises(ValidationError, match="same customer"):
        merge.tickets_merge(actor=actor_for_user(two["agent"]), target_id=two["first"].pk,
                            source_ids=[two["second"].pk, other.pk])
    # All or nothing: the ticket of the same customer did not move either.
    assert Message.objects.filter(ticket=two["second"]).count() == 1
    assert Ticket.objects.get(pk=two["second"].pk).merged_into_id is None


def test_out_of_reach_closed_itself_and_roles(two, make_ticket, make_team, make_user,
                                              system):
    who = actor_for_user(two["agent"])
    hidden = make_ticket(two["ada"], team=make_team("Billing"))
    with pytest.raises(NotFound):
        merge.tickets_merge(actor=who, target_id=two["first"].pk, source_ids=[hidden.pk])
    with pytest.raises(NotFound):
        merge.tickets_merge(actor=who, target_id=hidden.pk, source_ids=[two["first"].pk])
    with pytest.raises(NotFound):  # past 64 bits: no such ticket, not a database error
        merge.tickets_merge(actor=who, target_id=96265032506116829813407744,
                            source_ids=[two["first"].pk])
    with pytest.raises(ValidationError, match="itself"):
        merge.tickets_merge(actor=who, target_id=two["first"].pk,
                            source_ids=[two["first"].pk])
    with pytest.raises(ValidationError):
        merge.tickets_merge(actor=who, target_id=two["first"].pk, source_ids=["x1"])
    with pytest.raises(PermissionDenied):
        merge.tickets_merge(actor=actor_for_user(make_user("billing")),
                            target_id=two["first"].pk, source_ids=[two["second"].pk])
    services.ticket_update(actor=system, ticket_id=two["second"].pk, status="closed")
    with pytest.raises(TicketClosed):
        merge.tickets_merge(actor=who, target_id=two["first"].pk,
                            source_ids=[two["second"].pk])


def test_mail_answering_a_merged_ticket_follows_it(two):
    merge.tickets_merge(actor=actor_for_user(two["agent"]), target_id=two["first"].pk,
                        source_ids=[two["second"].pk])
    source = Ticket.objects.get(pk=two["second"].pk)
    assert merge.current(source).pk == two["first"].pk
    assert merge.current(two["first"]).pk == two["first"].pk
    assert merge.current(None) is None


def test_api_and_console(two, api_client, console_client, make_ticket):
    third = make_ticket(two["ada"], team=two["team"], subject="Third")
    client = api_client(two["agent"])
    response = client.post(f"/api/v1/tickets/{two['first'].pk}/merge",
                           {"sources": [two["second"].pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["courier"]
    console = console_client(two["agent"])
    page = console.get(f"/tickets/{two['second'].pk}/").content.decode()
    assert "data-merged" in page and f'href="/tickets/{two["first"].pk}/"' in page
    moved = console.post("/tickets/bulk/", {"ids": [third.pk, two["first"].pk],
                                            "merge_into": two["first"].pk})
    assert moved["Location"] == f"/tickets/{two['first'].pk}/"
    assert Ticket.objects.get(pk=third.pk).merged_into_id == two["first"].pk
