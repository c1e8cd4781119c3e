"""Reading the index: candidates only. The callers (``customers.selectors``,
``tickets.selectors``) intersect them with what the actor may see and apply the field
policy to what they show; nothing here knows who asks."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from trustdesk import vault
from trustdesk.search import terms as search_terms
from trustdesk.search.models import Term
from trustdesk.search.services import MESSAGES, SUBJECTS, field_scope


def customers_matching(query: str, fields: list[str]) -> QuerySet | None:
    """Customer ids whose ``fields`` (together) hold every word of ``query``, each word
    whole or as a prefix: "ada love" finds Ada Lovelace. None for an empty query."""
    wanted = search_terms.query_terms(query, prefixes=True)
    if not wanted:
        return None
    if not fields:
        return Term.objects.none().values("customer_id")
    result = None
    for alternatives in wanted:
        where = Q()
        for name in fields:
            scope = field_scope(name)
            where |= Q(scope=scope, token__in=vault.search_tokens(scope, alternatives))
        ids = Term.objects.filter(where).values("customer_id")
        result = ids if result is None else result.filter(customer_id__in=ids)
    return result.values("customer_id")


# A word in more than this many index rows is "common": the queue is then read in its
# own order and each ticket checked for the word (an index probe), instead of gathering
# every ticket that has it first: "order" in half of 100,000 tickets took 240 ms that
# way (p95, bench/search.py), and a rare word the other way would scan the whole queue.
COMMON = 2000


def ticket_condition(query: str) -> Q | None:
    """A condition on tickets (``Ticket.objects.filter(...)``): the subject or the
    conversation (its messages together) holds every word of ``query``, in the subject
    whole or as a start, in the messages whole. None for a query with no words."""
    subject_words = search_terms.query_terms(query, prefixes=True)
    message_words = search_terms.query_terms(query)
    if not subject_words:
        return None
    condition = Q()
    for in_subject, in_messages in zip(subject_words, message_words, strict=True):
        # One condition over both scopes, not an OR of two: the (scope, token, ticket)
        # index then answers it alone (PostgreSQL turned the OR into a bitmap scan of
        # the table). Tokens are keyed per scope, so a subject token can equal a message
        # token only by a 64-bit collision, the risk the index already takes.
        tokens = {*vault.search_tokens(SUBJECTS, in_subject),
                  *vault.search_tokens(MESSAGES, in_messages)}
        rows = Term.objects.filter(scope__in=(SUBJECTS, MESSAGES), token__in=sorted(tokens))
        if rows.values("pk")[:COMMON + 1].count() > COMMON:
            condition &= Q(Exists(rows.filter(ticket_id=OuterRef("pk"))))
        else:
            condition &= Q(pk__in=rows.values("ticket_id"))
    return condition
