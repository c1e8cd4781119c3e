"""Retention tests: data made to look old, and a clock frozen where the test says."""

from __future__ import annotations

import datetime as dt

import pytest

from trustdesk.core import clock
from trustdesk.customers.models import CustomerField
from trustdesk.tickets.models import Ticket

# The day the planted data was last needed (mid-afternoon, so the day boundary matters).
T0 = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)


def day(n: int, hour: int = 0, minute: int = 30) -> dt.datetime:
    """``n`` days after T0's day, at hour:minute UTC."""
    return dt.datetime.combine(T0.date() + dt.timedelta(days=n), dt.time(hour, minute),
                               tzinfo=dt.UTC)


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(at)``: clock.now() answers ``at`` from now on."""
    def move(at: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)
    return move


@pytest.fixture
def old_customer(make_customer):
    """A customer whose fields were all last changed at ``at`` (T0 by default)."""
    def make(at: dt.datetime = T0, **profile):
        customer = make_customer(**profile)
        CustomerField.objects.filter(customer_id=customer.id).update(updated_at=at)
        return customer
    return make


@pytest.fixture
def old_ticket(make_ticket):
    """A ticket of ``customer`` in ``status``, last active at ``at``."""
    def make(customer, *, at: dt.datetime = T0, status: str = "closed",
             channel: str = "email", replies: int = 0):
        from conftest import SYSTEM
        from trustdesk.tickets import services as tickets

        ticket = make_ticket(customer, channel=channel)
        for _ in range(replies):
            tickets.ticket_reply(actor=SYSTEM, ticket_id=ticket.pk, body="Any news?",
                                 internal=True)
        Ticket.objects.filter(pk=ticket.pk).update(status=status, last_message_at=at,
                                                   updated_at=at)
        return ticket
    return make


_INVENTORY = """version: 1
fields:
  - name: full_name
    type: string
    category: identity
    sensitivity: confidential
    purpose: Address the customer
    legal_basis: contract
    required: true
    retention: {days}d
  - name: email
    type: email
    category: contact
    sensitivity: confidential
    purpose: Reply to the customer
    legal_basis: contract
    required: false
    searchable: true
    retention: {days}d
tickets:
  - channel: "*"
    status: closed
    retention: {tickets}
"""


@pytest.fixture
def inventory(settings, tmp_path):
    """``inventory(fields_days=30, ticket_retention="1y")``: a small inventory of one's own."""
    from trustdesk.privacy import inventory as inv

    def use(*, fields_days: int, ticket_retention: str) -> None:
        path = tmp_path / "inventory.yaml"
        path.write_text(_INVENTORY.format(days=fields_days, tickets=ticket_retention))
        settings.DATA_INVENTORY_PATH = path
        inv._load_cached.cache_clear()

    yield use
    inv._load_cached.cache_clear()
