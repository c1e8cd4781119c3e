"""Look-alike characters: a value typed with full-width or other scripts' digits, odd
spaces or zero-width characters is found like the plain one, at the original offsets,
and intake withholds it like any other."""

from __future__ import annotations

import pytest

from trustdesk import pii
from trustdesk.pii.fold import fold

CASES = [
    ("card 4111\u00a01111\u00a01111\u00a01111 thanks", "CREDIT_CARD"),
    ("card 4111\u200b1111\u200b1111\u200b1111 thanks", "CREDIT_CARD"),
    ("card ４１１１１１１１１１１１１１１１ thanks", "CREDIT_CARD"),
    ("card \U0001d7d2\U0001d7cf\U0001d7cf\U0001d7cf 1111 1111 1111 thanks", "CREDIT_CARD"),
    ("call +44\u202f20\u202f7946\u202f0958 please", "PHONE_NUMBER"),
    ("mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ please", "EMAIL_ADDRESS"),
    ("SSN ٥٣٦-٢٢-٨٧٢٦ please", "US_SSN"),
]


@pytest.mark.parametrize("text, entity", CASES)
def test_found_at_the_original_offsets(text, entity):
    [found] = [f for f in pii.scan(text) if f.entity == entity]
    value = text[found.start:found.end]
    assert fold(value).replace(" ", "").strip() and not value.startswith(" ")
    assert text[:found.start].endswith(" ") and text[found.end:].startswith(" ")


def test_fold_keeps_the_length_and_plain_text():
    for text, _ in CASES:
        assert len(fold(text)) == len(text)
    assert fold("plain ascii 4111") == "plain ascii 4111"
    assert fold("退款 请联系") == "退款 请联系"  # other scripts' letters stay


@pytest.mark.django_db
def test_intake_withholds_it(make_ticket, system):
    from trustdesk.tickets import selectors

    ticket = make_ticket(body="My card is 4111\u200b1111\u200b1111\u200b1111, phone "
                              "+44\u00a020\u00a07946\u00a00958.")
    body = selectors.ticket_get(actor=system, ticket_id=ticket.pk).messages[0].body
    assert "1111\u200b1111" not in body and "7946" not in body
    assert "token" in body
