"""Reading the index: candidates only. The callers (``customers.selectors``,
``tickets.selectors``) intersect them with what the actor may see and apply the field
policy to what they show; nothing here knows who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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


def tickets_matching(query: str) -> QuerySet | None:
    """Ticket ids whose subject or conversation (its messages together) holds every word
    of ``query``: in the subject whole or as a start, in the messages whole. None for a
    query with no words."""
    subject_words = search_terms.query_terms(query, prefixes=True)
    message_words = search_terms.query_terms(query)
    if not subject_words:
        return None
    result = None
    for in_subject, in_messages in zip(subject_words, message_words, strict=True):
        where = (Q(scope=SUBJECTS, token__in=vault.search_tokens(SUBJECTS, in_subject))
                 | Q(scope=MESSAGES, token__in=vault.search_tokens(MESSAGES, in_messages)))
        ids = Term.objects.filter(where).values("ticket_id")
        result = ids if result is None else result.filter(ticket_id__in=ids)
    return result.values("ticket_id")
