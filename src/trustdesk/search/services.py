"""Writing the index: called by the services that write what is indexed, in their
transaction (an indexed word never outlives, or precedes, the value it came from)."""

from __future__ import annotations

import uuid

from django.db import connection

from trustdesk import vault
from trustdesk.search import terms as search_terms
from trustdesk.search.models import Term

_INSERT = ("INSERT INTO search_term (scope, token, customer_id, ticket_id, object_id) "
           "VALUES (%s, %s, %s, %s, %s)")
assert Term._meta.db_table == "search_term"  # the statement above names it
MESSAGES = "m"
SUBJECTS = "s"


def field_scope(name: str) -> str:
    return f"c:{name}"


def _insert(rows: list[tuple]) -> None:
    """(scope, token, customer_id, ticket_id, object_id) rows in one statement's worth of
    round trips: the ORM's bulk_create cost a message about 3 ms, most of it building
    objects and SQL."""
    if not rows:
        return
    cid = Term._meta.get_field("customer_id")
    rows = [(scope, token, cid.get_db_prep_value(customer, connection), ticket, obj)
            for scope, token, customer, ticket, obj in rows]
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT, rows)


def index_field(*, customer_id: uuid.UUID, field_id: int, name: str, value: str | None
                ) -> None:
    """(Re)index one profile field, words and prefixes; ``None`` removes it."""
    scope = field_scope(name)
    Term.objects.filter(scope=scope, object_id=field_id).delete()
    if not value:
        return
    found = sorted(search_terms.terms(value, prefixes=True))
    _insert([(scope, t, customer_id, None, field_id)
             for t in vault.search_tokens(scope, found)])


def index_message(*, customer_id: uuid.UUID, ticket_id: int, message_id: int, text: str
                  ) -> int:
    """Index a message's words (whole words only); returns how many terms. ``text`` is
    what the caller allows to be found: never a personal value intake withheld."""
    found = sorted(search_terms.terms(text))
    _insert([(MESSAGES, t, customer_id, ticket_id, message_id)
             for t in vault.search_tokens(MESSAGES, found)])
    return len(found)


def index_subject(*, customer_id: uuid.UUID, ticket_id: int, text: str) -> None:
    """(Re)index a ticket's subject: words and their starts, like a name."""
    Term.objects.filter(scope=SUBJECTS, object_id=ticket_id).delete()
    found = sorted(search_terms.terms(text, prefixes=True))
    _insert([(SUBJECTS, t, customer_id, ticket_id, ticket_id)
             for t in vault.search_tokens(SUBJECTS, found)])


def forget_customer(customer_id: uuid.UUID) -> int:
    """Erasure: every term of the customer's fields and of their tickets' messages."""
    deleted, _ = Term.objects.filter(customer_id=customer_id).delete()
    return deleted


def forget_tickets(ticket_ids: list[int], *, customer_ids=None) -> int:
    """Retention: the words of these tickets' subjects and messages. With the tickets'
    customers, the delete walks those customers' words by their index instead of the
    whole table (no index starts with ``ticket_id``: one would cost every message's
    indexing, the hottest write here, for a delete retention makes a few times a day)."""
    terms = Term.objects.filter(ticket_id__in=ticket_ids)
    if customer_ids is not None:
        terms = terms.filter(customer_id__in=list(customer_ids))
    deleted, _ = terms.delete()
    return deleted


def move_messages(*, from_ticket_ids: list[int], to_ticket_id: int) -> int:
    """Merged tickets: their messages' words now find the ticket they moved to. Subjects
    stay with their own tickets (a merged ticket is still found, and says where it went)."""
    return Term.objects.filter(scope=MESSAGES, ticket_id__in=from_ticket_ids).update(
        ticket_id=to_ticket_id)
