"""Fields and tickets expire on exactly the right day, on SQLite and PostgreSQL: a day
before, kept; on the day, removed. The clock starts when the data was last needed."""

from __future__ import annotations

import pytest

from privacy.conftest import day
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.privacy.inventory import get_inventory
from trustdesk.retention import runner, services
from trustdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db
ADDRESS = "1 High Street, Springfield"
YEAR = get_inventory().get("postal_address").retention_days  # 1y: 365 days
THREE = get_inventory().get("full_name").retention_days  # 3y: 1095 days


def run_now(system) -> dict:
    """Preview, approve as the system and run to the end; the run's counts."""
    run = services.preview(actor=system)
    services.approve(actor=system, run_id=run.pk)
    while not runner.run_batch(run_id=run.pk).finished:
        pass
    run.refresh_from_db()
    assert run.done == run.preview
    return run.done


def names(customer) -> set[str]:
    return set(CustomerField.objects.filter(customer_id=customer.id)
               .values_list("name", flat=True))


def test_a_field_is_kept_the_day_before_and_removed_on_the_day(old_customer, freeze,
                                                                system):
    customer = old_customer(postal_address=ADDRESS)
    freeze(day(YEAR - 1, hour=23, minute=59))
    assert run_now(system)["fields"] == {}
    assert "postal_address" in names(customer)
    freeze(day(YEAR, hour=0, minute=1))
    assert run_now(system)["fields"] == {"postal_address": 1}
    assert names(customer) == {"full_name", "email"}  # 3y fields stay


def test_the_latest_ticket_activity_restarts_the_clock(old_customer, old_ticket, freeze,
                                                       system):
    customer = old_customer(postal_address=ADDRESS)
    old_ticket(customer, at=day(100, hour=9))  # closed, last active 100 days after T0
    freeze(day(YEAR + 99))
    assert run_now(system)["fields"] == {}
    freeze(day(YEAR + 100))
    assert run_now(system)["fields"] == {"postal_address": 1}


def test_a_later_change_of_the_field_restarts_its_own_clock(old_customer, freeze, system):
    customer = old_customer(postal_address=ADDRESS)
    CustomerField.objects.filter(customer_id=customer.id, name="postal_address").update(
        updated_at=day(30))
    freeze(day(YEAR + 29))
    assert run_now(system)["fields"] == {}
    freeze(day(YEAR + 30))
    assert run_now(system)["fields"] == {"postal_address": 1}


def test_a_customer_with_an_open_ticket_never_expires(old_customer, old_ticket, freeze,
                                                      system):
    customer = old_customer(postal_address=ADDRESS)
    old_ticket(customer, status="pending")
    freeze(day(THREE * 3))
    counts = run_now(system)
    assert counts["fields"] == {} and counts["customers"] == 0
    assert names(customer) == {"full_name", "email", "postal_address"}


def test_nothing_left_to_keep_shreds_the_customer_with_the_erasure_record(old_customer,
                                                                          freeze, system):
    customer = old_customer()
    freeze(day(THREE - 1))
    assert run_now(system)["customers"] == 0
    freeze(day(THREE))
    counts = run_now(system)
    assert counts == {"fields": {"email": 1, "full_name": 1}, "customers": 1, "tickets": 0,
                      "messages": 0}
    erased = Customer.objects.get(pk=customer.id)
    assert erased.status == Customer.Status.ERASED
    assert erased.erased_by == "system:retention"
    assert erased.erased_at == day(THREE)
    assert "Retention" in erased.erasure_reason
    from trustdesk.vault.keys import keystore

    assert keystore().is_shredded(f"customer:{customer.id}")


def test_a_finished_ticket_goes_with_its_messages_on_the_day(old_customer, old_ticket,
                                                             freeze, system):
    customer = old_customer()
    email = old_ticket(customer, channel="email", replies=2)  # closed: 2y
    chat = old_ticket(customer, channel="chat")  # closed chat: 1y
    solved = old_ticket(customer, channel="web", status="solved")  # 2y
    freeze(day(YEAR - 1))
    assert run_now(system)["tickets"] == 0
    freeze(day(YEAR))
    assert run_now(system)["tickets"] == 1
    assert not Ticket.objects.filter(pk=chat.pk).exists()
    freeze(day(2 * YEAR - 1))
    assert run_now(system)["tickets"] == 0
    freeze(day(2 * YEAR))
    counts = run_now(system)
    assert counts["tickets"] == 2 and counts["messages"] == 4
    assert not Ticket.objects.filter(pk__in=[email.pk, solved.pk]).exists()
    assert not Message.objects.filter(ticket_id__in=[email.pk, solved.pk]).exists()
    # The customer's fields count from the tickets' activity, so they are still kept.
    assert names(customer) == {"full_name", "email"}


def test_a_ticket_still_in_its_retention_keeps_the_customer_key(inventory, old_customer,
                                                                old_ticket, freeze, system):
    # Fields kept 30 days, closed tickets a year: shredding when the fields go would
    # destroy the ticket (sealed under the customer's key) before its time.
    inventory(fields_days=30, ticket_retention="1y")
    customer = old_customer()
    old_ticket(customer)
    freeze(day(30))
    counts = run_now(system)
    assert counts["fields"] == {"email": 1, "full_name": 1} and counts["customers"] == 0
    assert Customer.objects.get(pk=customer.id).status == Customer.Status.ACTIVE
    freeze(day(365))
    counts = run_now(system)
    assert counts["customers"] == 1 and counts["tickets"] == 1
    assert Customer.objects.get(pk=customer.id).status == Customer.Status.ERASED


def test_search_and_card_tokens_go_with_the_fields(old_customer, freeze, system):
    from trustdesk.search.models import Term
    from trustdesk.vault.models import CardToken

    customer = old_customer(payment_card="4111111111111111")
    assert CardToken.objects.filter(subject=f"customer:{customer.id}").exists()
    assert Term.objects.filter(customer_id=customer.id).exists()
    freeze(day(THREE))
    run_now(system)
    assert not CardToken.objects.filter(subject=f"customer:{customer.id}").exists()
    assert not Term.objects.filter(customer_id=customer.id).exists()


def test_a_tickets_words_go_with_it_and_no_one_elses(old_customer, old_ticket, freeze,
                                                     system):
    from trustdesk.search.models import Term

    customer, other = old_customer(), old_customer()
    gone = old_ticket(customer, channel="chat", replies=1)  # closed chat: 1y
    kept = old_ticket(other, channel="email")  # closed email: 2y
    assert Term.objects.filter(ticket_id=gone.pk).exists()
    assert Term.objects.filter(ticket_id=kept.pk).exists()
    freeze(day(YEAR))
    assert run_now(system)["tickets"] == 1
    assert not Term.objects.filter(ticket_id=gone.pk).exists()
    assert Term.objects.filter(ticket_id=kept.pk).exists()
