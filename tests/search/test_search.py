"""Search over sealed data: customers by the words (and word starts) of their name and
company, tickets by the words of their conversation; through the field policy and
need-to-know; never by what intake withheld; and nothing left after erasure."""

from __future__ import annotations

import pytest

from trustdesk.accounts.actors import actor_for_user
from trustdesk.customers import selectors as customers
from trustdesk.customers import services as customer_services
from trustdesk.search import terms
from trustdesk.search.models import Term
from trustdesk.tickets import services as tickets
from trustdesk.tickets.selectors import TicketFilters, ticket_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "prefixes", "expected"), [
    ("Ada LOVELACE", False, {"w:ada", "w:lovelace"}),
    ("Ada Lovelace", True, {"w:ada", "w:lovelace", "p:lov", "p:love", "p:lovel",
                            "p:lovela", "p:lovelac"}),
    ("Ｂｌｅｎｄｅｒ", False, {"w:blender"}),  # full-width: NFKC
    ("申请退款", False, {"w:申", "w:请", "w:退", "w:款", "w:申请", "w:请退", "w:退款"}),
    ("", False, set()),
])
def test_the_terms_of_a_text(text, prefixes, expected):
    assert terms.terms(text, prefixes=prefixes) == expected


def _names(page) -> list[str]:
    return [p.profile.get("full_name") for p in page.items]


def test_customers_are_found_by_words_and_starts_of_name_and_company(make_customer, make_user,
                                                                    as_actor):
    make_customer(full_name="Ada Lovelace", company="Analytical Engines")
    make_customer(full_name="Grace Hopper", company="Navy Labs")
    boss = as_actor(make_user("supervisor"))
    assert _names(customers.customer_list(actor=boss, query="ada love")) == ["Ada Lovelace"]
    assert _names(customers.customer_list(actor=boss, query="LOV")) == ["Ada Lovelace"]
    assert _names(customers.customer_list(actor=boss, query="analytical")) == ["Ada Lovelace"]
    assert _names(customers.customer_list(actor=boss, query="grace navy")) == ["Grace Hopper"]
    assert _names(customers.customer_list(actor=boss, query="ada navy")) == []
    assert _names(customers.customer_list(actor=boss, query="lo")) == []  # no 2-letter starts
    assert len(customers.customer_list(actor=boss, query="   ").items) == 2  # no words: all


def test_a_name_the_policy_does_not_show_in_full_cannot_be_searched(make_customer, make_user,
                                                                   as_actor, settings):
    make_customer(full_name="Ada Lovelace", company="Analytical Engines")
    settings.ACCESS_FIELD_POLICY = {"supervisor": {"full_name": "masked"}}
    boss = as_actor(make_user("supervisor"))
    assert customers.customer_list(actor=boss, query="lovelace").items == []
    assert len(customers.customer_list(actor=boss, query="analytical").items) == 1


def test_need_to_know_limits_what_an_agent_finds(make_customer, make_user, system):
    ada = make_customer(full_name="Ada Lovelace")
    make_customer(full_name="Ada Byron")
    agent = make_user("agent")
    assert customers.customer_list(actor=actor_for_user(agent), query="ada").items == []
    ticket = tickets.ticket_create(actor=system, customer_id=ada.id, subject="Order",
                                   body="Where is my order?")
    tickets.ticket_update(actor=actor_for_user(agent), ticket_id=ticket.pk,
                          assignee_id=agent.pk)
    found = customers.customer_list(actor=actor_for_user(agent), query="ada")
    assert [p.id for p in found.items] == [ada.id]


def _found(actor, q) -> list[int]:
    return [row.ticket.pk for row in ticket_list(actor=actor, filters=TicketFilters(q=q)).items]


@pytest.mark.parametrize("common", [2000, 0])  # gathered first / probed per ticket
def test_tickets_are_found_by_the_words_of_their_conversation(make_customer, make_user,
                                                              system, as_actor, common,
                                                              monkeypatch):
    from trustdesk.search import selectors as search_selectors

    monkeypatch.setattr(search_selectors, "COMMON", common)
    ada = make_customer()
    first = tickets.ticket_create(actor=system, customer_id=ada.id, subject="Delivery",
                                  body="The blender arrived broken.")
    tickets.ticket_add_inbound(actor=system, ticket_id=first.pk, body="The lid is cracked.")
    other = tickets.ticket_create(actor=system, customer_id=ada.id, subject="Billing",
                                  body="我想申请退款。")
    boss = as_actor(make_user("supervisor"))
    assert _found(boss, "blender cracked") == [first.pk]  # across the conversation
    assert _found(boss, "BLENDER") == [first.pk]
    assert _found(boss, "退款") == [other.pk]
    assert _found(boss, "blender refund") == []
    assert _found(boss, "Delivery") == [first.pk]  # the subject still counts


def test_what_intake_withheld_is_not_found(make_customer, make_user, system, as_actor):
    ada = make_customer()
    tickets.ticket_create(actor=system, customer_id=ada.id, subject="Card",
                          body="My card is 4111 1111 1111 1111 and mail me at "
                               "zebra.quokka@example.org please.")
    boss = as_actor(make_user("supervisor"))
    assert _found(boss, "4111") == [] and _found(boss, "quokka") == []
    assert _found(boss, "please") != []


def test_a_held_ticket_is_found_by_nobody(make_customer, make_user, system, as_actor):
    ada = make_customer()
    ticket = tickets.ticket_create(actor=system, customer_id=ada.id, subject="Hi",
                                   body="Verify your mailbox here.")
    tickets.ticket_hold(actor=system, ticket_id=ticket.pk, reason="phishing")
    assert _found(as_actor(make_user("admin")), "mailbox") == []


def test_a_new_name_replaces_the_old_and_erasure_removes_every_term(make_customer, make_user,
                                                                   system, as_actor):
    ada = make_customer(full_name="Ada Lovelace", company="Analytical Engines")
    tickets.ticket_create(actor=system, customer_id=ada.id, subject="Hi",
                          body="The blender arrived broken.")
    boss = as_actor(make_user("supervisor"))
    customer_services.customer_update(actor=system, customer_id=ada.id,
                                      changes={"full_name": "Ada King", "company": None})
    assert _names(customers.customer_list(actor=boss, query="lovelace")) == []
    assert _names(customers.customer_list(actor=boss, query="king")) == ["Ada King"]
    assert _names(customers.customer_list(actor=boss, query="analytical")) == []
    assert Term.objects.filter(customer_id=ada.id).exists()
    customer_services.customer_erase(actor=system, customer_id=ada.id, reason="Asked to")
    assert not Term.objects.filter(customer_id=ada.id).exists()
    assert _found(boss, "blender") == []


def test_the_same_word_has_another_token_in_each_scope(make_customer, system):
    ada = make_customer(full_name="Blender Smith")
    tickets.ticket_create(actor=system, customer_id=ada.id, subject="Hi", body="Blender")
    in_name = set(Term.objects.filter(scope="c:full_name").values_list("token", flat=True))
    in_message = set(Term.objects.filter(scope="m").values_list("token", flat=True))
    assert in_name and in_message and not in_name & in_message


def test_what_was_stored_before_the_index_is_indexed_by_the_command(make_customer, make_user,
                                                                   system, as_actor):
    from django.core.management import call_command

    from trustdesk.audit.models import AuditEvent

    ada = make_customer(full_name="Ada Lovelace", company="Analytical Engines")
    ticket = tickets.ticket_create(actor=system, customer_id=ada.id, subject="Gearbox",
                                   body="The brass cog slipped.")
    gone = make_customer(full_name="Erased Person")
    customer_services.customer_erase(actor=system, customer_id=gone.id, reason="Asked to")
    Term.objects.all().delete()  # as before the index existed
    boss = as_actor(make_user("supervisor"))
    assert _found(boss, "cog") == [] and _names(customers.customer_list(
        actor=boss, query="lovelace")) == []
    call_command("search", "reindex")
    assert _found(boss, "cog") == [ticket.pk] and _found(boss, "gear") == [ticket.pk]
    assert _names(customers.customer_list(actor=boss, query="analytical")) == ["Ada Lovelace"]
    assert not Term.objects.filter(customer_id=gone.id).exists()
    events = AuditEvent.objects.filter(action="search.reindex")
    assert events.count() == 4  # full name, company, subjects, messages: one batch each
    assert "cog" not in str([e.context for e in events])
    call_command("search", "reindex")  # nothing missing: nothing read, nothing recorded
    assert AuditEvent.objects.filter(action="search.reindex").count() == 4
