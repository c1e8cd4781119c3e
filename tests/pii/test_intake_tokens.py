"""Intake tokenizes identity and account numbers into the vault: the message keeps a
masked form and a token, the value exists only sealed under the customer's key."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from trustdesk.tickets import intake, selectors
from trustdesk.tickets.models import Message, Ticket
from trustdesk.vault import tokens
from trustdesk.vault.models import PiiToken

pytestmark = pytest.mark.django_db
VALUES = {
    "US_SSN": "536-22-8726",
    "IBAN_CODE": "DE89 3704 0044 0532 0130 00",
    "PASSPORT": "X1234567",
    "CN_RESIDENT_ID": "11010519491231002X",
}
BODY = (f"SSN {VALUES['US_SSN']}, IBAN {VALUES['IBAN_CODE']}, passport number "
        f"{VALUES['PASSPORT']}, ID {VALUES['CN_RESIDENT_ID']}, password: hunter22!")


def _body(system, ticket) -> str:
    return selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[0].body


def _every_stored_text() -> str:
    """Every row of every table, as text: what a database dump would hold."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM {connection.ops.quote_name(table)}')
            for row in cursor.fetchall():
                for cell in row:
                    out.append(bytes(cell).decode("latin-1") if isinstance(
                        cell, (bytes, memoryview)) else str(cell))
    return "\n".join(out)


def test_identity_and_account_numbers_are_tokenized(make_ticket, system):
    ticket = make_ticket(body=BODY)
    body = _body(system, ticket)
    rows = {row.entity: row for row in PiiToken.objects.all()}
    assert set(rows) == set(VALUES)
    for entity, value in VALUES.items():
        row = rows[entity]
        assert value not in body
        assert f", token {row.token}]" in body
        assert row.subject == f"customer:{ticket.customer_id}"
        assert tokens.detokenize(row.subject, row.token).value == value
    assert "[US_SSN ***-**-8726, token pii_us_ssn_" in body
    assert "[IBAN_CODE **** **** **** **** **30 00, token pii_iban_code_" in body
    # Secrets are never tokenized: replaced, and not in the vault either.
    assert "[PASSWORD removed]" in body and "hunter22" not in body
    assert Message.objects.get(ticket=ticket).redactions == {
        "CN_RESIDENT_ID": 1, "IBAN_CODE": 1, "PASSPORT": 1, "PASSWORD": 1, "US_SSN": 1}


def test_no_value_is_stored_in_clear_anywhere(make_ticket):
    make_ticket(body=BODY, subject="My SSN 536-22-8726")
    stored = _every_stored_text()
    for value in [*VALUES.values(), "hunter22", "536228726", "DE89370400440532013000"]:
        assert value not in stored, value
    # The subject is listed in clear: the value is masked there, not tokenized.
    assert Ticket.objects.get().subject == "My SSN ***-**-8726"
    assert PiiToken.objects.count() == len(VALUES)


def test_tokenize_any_structured_entity_by_policy(settings, make_ticket, system):
    settings.PII_REDACTION = {"EMAIL_ADDRESS": "tokenize", "PHONE_NUMBER": "tokenize",
                              "US_SSN": "mask"}
    ticket = make_ticket(body="Mail ada@example.org or call +44 20 7946 0958, SSN 536-22-8726")
    body = _body(system, ticket)
    assert "ada@example.org" not in body and "7946" not in body.replace("0958", "")
    assert re.search(r"\[EMAIL_ADDRESS \S+, token pii_email_address_[0-9a-f]{32}\]", body)
    assert re.search(r"\[PHONE_NUMBER [^,]+, token pii_phone_number_[0-9a-f]{32}\]", body)
    assert "***-**-8726" in body and "pii_us_ssn_" not in body
    assert {r.entity for r in PiiToken.objects.all()} == {"EMAIL_ADDRESS", "PHONE_NUMBER"}


def test_defaults_tokenize_identifiers_mask_nothing_and_never_tokenize_secrets():
    rules = intake.policy()
    assert all(rules[e] == "tokenize" for e in VALUES)
    assert all(rules[e] == "replace" for e in intake.SECRETS)
