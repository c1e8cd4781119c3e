"""Intake with the detection classes that used to slip through: cards of every issuer
range are tokenized; dates, phones and addresses stay readable under the default policy."""

from __future__ import annotations

import pytest

from trustdesk.tickets import selectors
from trustdesk.vault.models import CardToken

pytestmark = pytest.mark.django_db

MAESTRO_12 = "6759 4821 0736"  # Maestro, 12 digits, Luhn-valid
JCB_15 = "2131 5519 2047 368"  # JCB's 15-digit range
BODY = (f"My Maestro card {MAESTRO_12} and my JCB card {JCB_15} were both declined. "
        "I was born on 3 April 1985, the order is from 2024-05-12 14:30. "
        "Ship to Friedrichstraße 123 10117 Berlin, or call +44 (0)20 7946 0958 x12.")


def test_cards_of_every_issuer_range_are_tokenized_and_dates_kept(make_ticket, system):
    ticket = make_ticket(body=BODY)
    message = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[0]
    assert MAESTRO_12 not in message.body and JCB_15 not in message.body
    assert message.body.count("token card_") == 2
    assert CardToken.objects.filter(field="message").count() == 2
    # Dates, the address and the phone number are what the agent answers to: kept.
    for kept in ("3 April 1985", "2024-05-12 14:30", "Friedrichstraße 123 10117 Berlin",
                 "+44 (0)20 7946 0958 x12"):
        assert kept in message.body
    assert message.redactions == {"CREDIT_CARD": 2}
