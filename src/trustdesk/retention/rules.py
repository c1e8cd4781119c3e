"""When data is due: the cut-offs of one run, as query conditions.

The clock of a customer field starts when it was last needed: the latest of the field's
own last change (``CustomerField.updated_at``) and the customer's last ticket activity
(a ticket's ``last_message_at`` or ``updated_at``, which moves when it is solved or
closed). A ticket's clock starts at its own last activity. Retention is counted in whole
UTC days: data last needed on day D with a retention of R days is kept through day
D + R - 1 and removed by the first run on day D + R or later (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Greatest

from trustdesk.privacy.inventory import Inventory
from trustdesk.privacy.ticket_retention import CHANNELS, FINISHED
from trustdesk.tickets.choices import Status
from trustdesk.tickets.models import Ticket

# A customer with a ticket in one of these is still being served: nothing of theirs
# expires, whatever its age.
OPEN = (Status.NEW, Status.OPEN, Status.PENDING)
_NEVER = Q(pk__in=[])


def cutoff(as_of: dt.datetime, days: int) -> dt.datetime:
    """Data last needed before this instant is due on ``as_of``'s day."""
    midnight = as_of.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - dt.timedelta(days=days - 1)


def ticket_activity():
    return Greatest("last_message_at", "updated_at")


def last_activity(customer_ref: str) -> Subquery:
    """The customer's latest ticket activity (NULL: no ticket)."""
    latest = (Ticket.objects.filter(customer_id=OuterRef(customer_ref))
              .annotate(activity=ticket_activity()).order_by("-activity")
              .values("activity")[:1])
    return Subquery(latest)


def has_open_ticket(customer_ref: str) -> Exists:
    return Exists(Ticket.objects.filter(customer_id=OuterRef(customer_ref), status__in=OPEN))


def _any(conditions: list[Q]) -> Q:
    return functools.reduce(operator.or_, conditions) if conditions else _NEVER


def field_expired(inventory: Inventory, as_of: dt.datetime, *, prefix: str = "",
                  last: str = "last") -> Q:
    """Over field rows (``prefix`` reaches them from another model), annotated with the
    customer's last activity as ``last``: the fields due on ``as_of``."""
    due = []
    for spec in inventory.fields:
        cut = cutoff(as_of, spec.retention_days)
        due.append(Q(**{f"{prefix}name": spec.name, f"{prefix}updated_at__lt": cut})
                   & (Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__lt": cut})))
    return _any(due)


def _by_rule(inventory: Inventory, as_of: dt.datetime, *, expired: bool) -> Q:
    matches = []
    for channel in CHANNELS:
        for status in FINISHED:
            days = inventory.ticket_retention_days(channel, status)
            if days is None:
                continue
            cut = cutoff(as_of, days)
            age = Q(activity__lt=cut) if expired else Q(activity__gte=cut)
            matches.append(Q(channel=channel, status=status) & age)
    return _any(matches)


def ticket_expired(inventory: Inventory, as_of: dt.datetime) -> Q:
    """Over tickets annotated with ``activity``: finished, with a rule, and past it."""
    return _by_rule(inventory, as_of, expired=True)


def ticket_kept(inventory: Inventory, as_of: dt.datetime) -> Q:
    """Over tickets annotated with ``activity``: finished, with a rule, not yet past it.
    Such a ticket keeps its customer's key: shredding would destroy it early."""
    return _by_rule(inventory, as_of, expired=False)
