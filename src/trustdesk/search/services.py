"""Writing the index: called by the services that write what is indexed, in their
transaction (an indexed word never outlives, or precedes, the value it came from)."""

from __future__ import annotations

import uuid

from trustdesk import vault
from trustdesk.search import terms as search_terms
from trustdesk.search.models import Term

MESSAGES = "m"


def field_scope(name: str) -> str:
    return f"c:{name}"


def index_field(*, customer_id: uuid.UUID, field_id: int, name: str, value: str | None
                ) -> None:
    """(Re)index one profile field, words and prefixes; ``None`` removes it."""
    scope = field_scope(name)
    Term.objects.filter(scope=scope, object_id=field_id).delete()
    if not value:
        return
    found = sorted(search_terms.terms(value, prefixes=True))
    Term.objects.bulk_create(
        Term(scope=scope, token=t, customer_id=customer_id, object_id=field_id)
        for t in vault.search_tokens(scope, found))


def index_message(*, customer_id: uuid.UUID, ticket_id: int, message_id: int, text: str
                  ) -> int:
    """Index a message's words (whole words only); returns how many terms. ``text`` is
    what the caller allows to be found: never a personal value intake withheld."""
    found = sorted(search_terms.terms(text))
    Term.objects.bulk_create(
        Term(scope=MESSAGES, token=t, customer_id=customer_id, ticket_id=ticket_id,
             object_id=message_id)
        for t in vault.search_tokens(MESSAGES, found))
    return len(found)


def forget_customer(customer_id: uuid.UUID) -> int:
    """Erasure: every term of the customer's fields and of their tickets' messages."""
    deleted, _ = Term.objects.filter(customer_id=customer_id).delete()
    return deleted
