"""Intake with the detection classes that used to slip through: cards of every issuer
range are tokenized; a plain date stays as written, while a birth date, a phone and an
address are tokenized to be shown per reader like the profile's fields."""

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


def test_cards_of_every_issuer_range_are_tokenized_and_plain_dates_kept(make_ticket, system):
    ticket = make_ticket(body=BODY)
    message = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[0]
    assert MAESTRO_12 not in message.body and JCB_15 not in message.body
    assert message.body.count("token card_") == 2
    assert CardToken.objects.filter(field="message").count() == 2
    # A birth date, the address and the phone are stored so that each reader sees them
    # as the profile's own fields; a plain date (the order's) is kept as written.
    assert "3 April 1985" not in message.body and "token pii_date_time_" in message.body
    assert "2024-05-12 14:30" in message.body
    assert "Friedrichstraße 123" not in message.body and "7946 0958" not in message.body
    assert message.redactions == {"CREDIT_CARD": 2, "DATE_TIME": 1, "PHONE_NUMBER": 1,
                                  "STREET_ADDRESS": 1}


def test_a_policy_that_masks_dates_masks_every_date(make_ticket, system, settings):
    settings.PII_REDACTION = {"DATE_TIME": "mask"}
    ticket = make_ticket(body="Ordered on 2024-05-12, born 3 April 1985.")
    body = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[0].body
    assert "2024-05-12" not in body and "3 April 1985" not in body
