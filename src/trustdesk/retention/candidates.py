"""What one run deletes, as querysets over the current state: the preview counts them,
the batches walk them in key order. Both use these same queries, so what a preview
promises is what the run, pinned to the preview's ``as_of``, deletes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef

from trustdesk.customers.models import Customer, CustomerField
from trustdesk.privacy import holds
from trustdesk.privacy.inventory import Inventory
from trustdesk.retention import rules
from trustdesk.tickets.models import Message, Ticket


def expired_fields(inventory: Inventory, as_of: dt.datetime):
    """Field rows due, of active customers with no open ticket and no hold of any kind
    (a hold on one ticket keeps the profile that says whose the ticket is), whose
    processing is not restricted (GDPR Art. 18: restricted data is kept)."""
    return (CustomerField.objects
            .filter(customer__status=Customer.Status.ACTIVE,
                    customer__restricted_at__isnull=True)
            .annotate(last=rules.last_activity("customer_id"),
                      open=rules.has_open_ticket("customer_id"),
                      held=holds.customer_held("customer_id"))
            .filter(open=False, held=False)
            .filter(rules.field_expired(inventory, as_of)))


def shreddable(inventory: Inventory, as_of: dt.datetime):
    """Active customers of whom nothing must be kept once this run's fields are gone:
    every field due, no open ticket, no hold, no finished ticket still in its
    retention."""
    expired = rules.field_expired(inventory, as_of, prefix="fields__")
    # Correlated (NOT EXISTS, by the tickets' customer index), not NOT IN a list of every
    # kept ticket's customer: that list was built afresh, from all tickets, per query.
    kept = (Ticket.objects.filter(customer_id=OuterRef("pk"))
            .annotate(activity=rules.ticket_activity())
            .filter(rules.ticket_kept(inventory, as_of)))
    return (Customer.objects.filter(status=Customer.Status.ACTIVE, restricted_at__isnull=True)
            .annotate(last=rules.last_activity("pk"),
                      open=rules.has_open_ticket("pk"), held=holds.customer_held("pk"),
                      kept=Exists(kept))
            .filter(open=False, held=False, kept=False)
            .annotate(total=Count("fields"), due=Count("fields", filter=expired))
            .filter(total=F("due")))


def expired_tickets(inventory: Inventory, as_of: dt.datetime):
    """Finished tickets past their channel and status's retention that no hold keeps,
    whoever's they are (an erased customer's unreadable tickets go on time too)."""
    return (Ticket.objects.annotate(activity=rules.ticket_activity(),
                                    held=holds.ticket_held("pk", "customer_id"))
            .filter(held=False).exclude(customer__restricted_at__isnull=False)
            .filter(rules.ticket_expired(inventory, as_of)))


def counts(inventory: Inventory, as_of: dt.datetime) -> dict:
    """The preview: how many of each would go, never what."""
    per_field = dict(expired_fields(inventory, as_of).order_by()
                     .values_list("name").annotate(n=Count("id")).values_list("name", "n"))
    tickets = expired_tickets(inventory, as_of)
    return {
        "fields": {name: per_field[name] for name in sorted(per_field)},
        "customers": shreddable(inventory, as_of).count(),
        "tickets": tickets.count(),
        "messages": Message.objects.filter(ticket__in=tickets.values("pk")).count(),
    }


def empty() -> dict:
    return {"fields": {}, "customers": 0, "tickets": 0, "messages": 0}


def add(total: dict, delta: dict) -> dict:
    fields = dict(total.get("fields", {}))
    for name, n in delta.get("fields", {}).items():
        fields[name] = fields.get(name, 0) + n
    return {"fields": dict(sorted(fields.items())),
            **{k: total.get(k, 0) + delta.get(k, 0)
               for k in ("customers", "tickets", "messages")}}


def objects(delta: dict) -> int:
    """What the batch limit counts: field rows, shredded customers and tickets (a
    ticket's messages go with it, whatever their number)."""
    return sum(delta.get("fields", {}).values()) + delta.get("customers", 0) \
        + delta.get("tickets", 0)
