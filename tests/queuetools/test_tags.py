"""Tags: added and removed through the service under ``ticket.update`` and the ticket's
visibility, audited; a tag that would put personal data in clear in every queue is
refused; the queue filters by tag; the API and console use the same service."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.audit.models import AuditEvent
from trustdesk.core.errors import NotFound, PermissionDenied, ValidationError
from trustdesk.tickets import selectors, services, tagging
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Tag, TicketTag

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_user, make_team, make_ticket):
    team, other = make_team("Orders"), make_team("Billing")
    agent = make_user("agent", teams=[team])
    ticket = make_ticket(team=team)
    elsewhere = make_ticket(team=other)
    return {"agent": agent, "actor": actor_for_user(agent), "ticket": ticket,
            "elsewhere": elsewhere}


def _tags(ticket) -> list[str]:
    return sorted(ticket.tags.values_list("name", flat=True))


def test_add_and_remove_with_normalised_names_and_one_audit_event(setting):
    who, ticket = setting["actor"], setting["ticket"]
    changed = tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk,
                                         add=["Refund", "  late   delivery ", "退款"])
    assert _tags(ticket) == ["late-delivery", "refund", "退款"]
    assert changed.changes == ["+late-delivery", "+refund", "+退款"]
    event = AuditEvent.objects.filter(action="ticket.tag").get()
    assert event.object_id == str(ticket.pk) and event.actor_user_id == setting["agent"].pk
    again = tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=["refund"],
                                       remove=["not-there"])
    assert again.changes == [] and AuditEvent.objects.filter(action="ticket.tag").count() == 1
    tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, remove=["REFUND"])
    assert _tags(ticket) == ["late-delivery", "退款"]
    assert TicketTag.objects.get(ticket=ticket, tag__name="退款").added_by_user_id == \
        setting["agent"].pk


@pytest.mark.parametrize("name", [
    "jane@example.com", "call-07700-900123", "4111111111111111", "order-1234567",
    "ada-lovelace", "Ada Lovelace",
])
def test_personal_data_is_refused_before_anything_is_written(setting, make_customer, name):
    make_customer(full_name="Ada Lovelace")
    with pytest.raises(ValidationError, match="shown in clear"):
        tagging.ticket_tags_change(actor=setting["actor"], ticket_id=setting["ticket"].pk,
                                   add=["fine", name])
    assert not Tag.objects.exists() and not TicketTag.objects.exists()


@pytest.mark.parametrize("name, why", [
    ("", "needs a name"), ("x" * 41, "at most 40"), ("<script>", "not a tag"),
    ("-lead", "not a tag"), ("a/b", "not a tag"),
])
def test_bad_names_are_refused(setting, name, why):
    with pytest.raises(ValidationError, match=why):
        tagging.ticket_tags_change(actor=setting["actor"], ticket_id=setting["ticket"].pk,
                                   add=[name])


def test_limits(setting):
    who, ticket = setting["actor"], setting["ticket"]
    with pytest.raises(ValidationError, match="At most 20"):
        tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk,
                                   add=[f"t{i}" for i in range(21)])
    tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=[f"t{i}" for i in range(20)])
    with pytest.raises(ValidationError, match="at most 20 tags"):
        tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=["one-more"])
    with pytest.raises(ValidationError, match="added and removed"):
        tagging.ticket_tags_change(actor=who, ticket_id=ticket.pk, add=["x"], remove=["x"])


def test_out_of_reach_roles_and_closed_tickets(setting, make_user):
    with pytest.raises(NotFound):
        tagging.ticket_tags_change(actor=setting["actor"], ticket_id=setting["elsewhere"].pk,
                                   add=["refund"])
    billing = actor_for_user(make_user("billing"))
    with pytest.raises(PermissionDenied):
        tagging.ticket_tags_change(actor=billing, ticket_id=setting["ticket"].pk, add=["x"])
    services.ticket_update(actor=setting["actor"], ticket_id=setting["ticket"].pk,
                           status="closed")
    with pytest.raises(TicketClosed):
        tagging.ticket_tags_change(actor=setting["actor"], ticket_id=setting["ticket"].pk,
                                   add=["x"])
    assert not TicketTag.objects.exists()


def test_the_queue_filters_by_tag_and_counts_only_what_the_actor_sees(setting, system):
    who = setting["actor"]
    tagging.ticket_tags_change(actor=who, ticket_id=setting["ticket"].pk, add=["refund"])
    tagging.ticket_tags_change(actor=system, ticket_id=setting["elsewhere"].pk,
                               add=["refund", "secret-project"])
    page = selectors.ticket_list(actor=who, filters=selectors.TicketFilters(tag="Refund"))
    assert [r.ticket.pk for r in page.items] == [setting["ticket"].pk]
    assert [r.ticket.tags.all()[0].name for r in page.items] == ["refund"]
    assert [(t.name, t.tickets) for t in tagging.tag_list(actor=who)] == [("refund", 1)]
    assert [(t.name, t.tickets) for t in tagging.tag_list(actor=system)] == [
        ("refund", 2), ("secret-project", 1)]
    assert [t.name for t in tagging.tag_list(actor=who, prefix="REF")] == ["refund"]


def test_api_adds_lists_and_filters(setting, api_client):
    client = api_client(setting["agent"])
    url = f"/api/v1/tickets/{setting['ticket'].pk}/tags"
    response = client.post(url, {"add": ["Refund", "vip"]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["refund", "vip"]
    refused = client.post(url, {"add": ["jane@example.com"]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "tags"
    listed = client.get("/api/v1/tickets", {"tag": "vip"}).json()
    assert [t["id"] for t in listed["items"]] == [setting["ticket"].pk]
    assert listed["items"][0]["tags"] == ["refund", "vip"]
    assert client.get("/api/v1/tags").json() == [{"name": "refund", "tickets": 1},
                                                 {"name": "vip", "tickets": 1}]
    hidden = client.post(f"/api/v1/tickets/{setting['elsewhere'].pk}/tags", {"add": ["x"]},
                         content_type="application/json")
    assert hidden.status_code == 404


def test_console_adds_shows_and_removes(setting, console_client):
    client = console_client(setting["agent"])
    ticket = setting["ticket"]
    response = client.post(f"/tickets/{ticket.pk}/tags/", {"add": "refund, Late delivery"})
    assert response.status_code == 302
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'href="/tickets/?tag=late-delivery"' in page and "Remove tag refund" in page
    refused = client.post(f"/tickets/{ticket.pk}/tags/", {"add": "jane@example.com"},
                          follow=True).content.decode()
    assert "cannot hold personal data" in refused
    client.post(f"/tickets/{ticket.pk}/tags/", {"remove": "refund"})
    assert _tags(ticket) == ["late-delivery"]
    queue = client.get("/tickets/", {"tag": "late-delivery"}).content.decode()
    assert f'value="{ticket.pk}" form="bulk-form"' in queue
    assert f'value="{setting["elsewhere"].pk}" form="bulk-form"' not in queue
