"""Filling the search index for what was stored before it existed (an upgrade), or after
it was lost: ``trustdesk search reindex``. Resumable and safe beside a running server:
each batch is one transaction with its audit event (counts, never words), and only what
has no terms yet is read. Erased customers' data is never touched (it cannot be opened,
and must not be found)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.customers import names
from trustdesk.customers.models import Customer, CustomerField
from trustdesk.customers.profiles import open_field
from trustdesk.search import services as search
from trustdesk.search.models import Term
from trustdesk.tickets import withhold
from trustdesk.tickets.models import Message, Ticket
from trustdesk.tickets.sealing import open_messages

ACTIVE = Customer.Status.ACTIVE


def _missing(queryset, scope_of, id_field: str = "pk"):
    return queryset.filter(~Exists(Term.objects.filter(scope=scope_of,
                                                       object_id=OuterRef(id_field))))


def _batches(actor: Actor, kind: str, pending, index_one, batch: int) -> int:
    """Through ``pending`` in id order; a row with nothing to find gets no terms and
    would be missing again, so the walk moves on by id rather than re-reading."""
    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = list(pending.filter(pk__gt=after).order_by("pk")[:batch])
            if not rows:
                return done
            for row in rows:
                index_one(row)
            record(actor=actor, action="search.reindex", object_type=kind,
                   context={"indexed": len(rows)})
        done, after = done + len(rows), rows[-1].pk


def reindex(*, actor: Actor, batch: int = 500) -> dict[str, int]:
    """Index what has no terms: findable profile fields, subjects, messages."""
    def field(row: CustomerField) -> None:
        value = open_field(row.customer_id, row.name, bytes(row.sealed))
        search.index_field(customer_id=row.customer_id, field_id=row.pk, name=row.name,
                           value=value)

    def subject(ticket: Ticket) -> None:
        search.index_subject(customer_id=ticket.customer_id, ticket_id=ticket.pk,
                             text=withhold.FRAGMENT.sub(" ", ticket.subject))

    def message(row: Message) -> None:
        open_messages(row.ticket.customer_id, [row], erased=False)
        search.index_message(customer_id=row.ticket.customer_id, ticket_id=row.ticket_id,
                             message_id=row.pk, text=withhold.FRAGMENT.sub(" ", row.body))

    counts = {}
    for name in sorted(names.FINDABLE):
        fields = CustomerField.objects.filter(name=name, customer__status=ACTIVE)
        counts[name] = _batches(actor, "customer", _missing(fields, search.field_scope(name)),
                                field, batch)
    tickets = Ticket.objects.filter(customer__status=ACTIVE)
    counts["subjects"] = _batches(actor, "ticket", _missing(tickets, search.SUBJECTS),
                                  subject, batch)
    messages = Message.objects.filter(ticket__customer__status=ACTIVE).select_related("ticket")
    counts["messages"] = _batches(actor, "message", _missing(messages, search.MESSAGES),
                                  message, batch)
    return counts
