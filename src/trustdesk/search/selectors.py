"""Reading the index: candidates only. The callers (``customers.selectors``,
``tickets.selectors``) intersect them with what the actor may see and apply the field
policy to what they show; nothing here knows who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from trustdesk import vault
from trustdesk.search import terms as search_terms
from trustdesk.search.models import Term
from trustdesk.search.services import MESSAGES, field_scope


def _matching(scope: str, query: str, *, prefixes: bool, column: str) -> QuerySet | None:
    """``column`` values of the objects every query word matches in ``scope``; None for
    a query with no words (the caller decides what an empty search means)."""
    wanted = search_terms.query_terms(query, prefixes=prefixes)
    if not wanted:
        return None
    every = [t for alternatives in wanted for t in alternatives]
    tokens = dict(zip(every, vault.search_tokens(scope, every), strict=True))
    result = None
    for alternatives in wanted:
        ids = Term.objects.filter(scope=scope, token__in=[tokens[t] for t in alternatives]
                                  ).values(column)
        result = ids if result is None else result.filter(**{f"{column}__in": ids})
    return result.values(column)


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
    """Ticket ids whose conversation (its messages together) holds every word of
    ``query``."""
    return _matching(MESSAGES, query, prefixes=False, column="ticket_id")
