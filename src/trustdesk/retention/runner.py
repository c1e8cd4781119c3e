"""Working through an approved run in bounded, resumable batches.

A batch is a series of small transactions (chunks). Each one locks the run's row first —
so workers take turns and never walk the same keys — reads the cursor, deletes what is
due after it, and commits the deletions, the new cursor, the counts and their audit event
together. A crash loses at most the chunk in flight, which rolled back whole; the next
batch starts again at the committed cursor, so nothing is deleted twice or skipped. The
one step outside a transaction, destroying a customer's key, is idempotent: a shred that
rolled back is redone and then recorded.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers import services as customers
from trustdesk.customers.models import Customer
from trustdesk.privacy.inventory import get_inventory
from trustdesk.privacy.models import RetentionRun
from trustdesk.retention import candidates
from trustdesk.search import services as search
from trustdesk.tickets.models import Message, Ticket

Phase, Status = RetentionRun.Phase, RetentionRun.Status
_NEXT = {Phase.FIELDS: Phase.CUSTOMERS, Phase.CUSTOMERS: Phase.TICKETS,
         Phase.TICKETS: Phase.FINISHED}
CUSTOMERS_PER_CHUNK = 50
TICKETS_PER_CHUNK = 100
# How many keys past the cursor one chunk's query looks at. Bounding the query to a key
# range keeps a chunk's cost flat however large the tables are: unbounded, PostgreSQL
# walks the tickets and holds its anti-joins need from their start on every chunk (a
# chunk took seconds at a million customers, and held its locks meanwhile).
WINDOW = 500
ACTOR = Actor.system("retention")
SHRED_REASON = "Retention: every field's retention period ended and nothing must be kept"


@dataclass
class Batch:
    run_id: int | None
    objects: int  # deleted by this batch
    finished: bool


def run_batch(*, run_id: int, limit: int | None = None) -> Batch:
    """Delete up to ``limit`` objects (``TRUSTDESK_RETENTION_BATCH``) of the run. Whoever
    starts a batch (the schedule, the command line), the deletions are TrustDesk's own —
    the erasure record says ``system:retention`` — and who approved the run is in its
    ``retention.approve`` event."""
    actor = ACTOR
    limit = limit or settings.RETENTION_BATCH
    done, finished, moved, first = 0, False, True, True
    while moved and not finished and done < limit:
        # One batch counts once, even when its first chunks delete nothing (a phase
        # that only moves on); ``first`` (nothing deleted yet) lets an outsized customer
        # through so that a batch always makes progress.
        deleted, finished, moved = _chunk(actor, run_id, budget=limit - done,
                                          first=done == 0, counts=first)
        done, first = done + deleted, False
        if settings.RETENTION_PAUSE_MS and moved and not finished and done < limit:
            time.sleep(settings.RETENTION_PAUSE_MS / 1000)  # outside any transaction
    return Batch(run_id=run_id, objects=done, finished=finished)


def _chunk(actor: Actor, run_id: int, *, budget: int,
           first: bool, counts: bool) -> tuple[int, bool, bool]:
    """(objects deleted, run finished, cursor or phase moved)."""
    with transaction.atomic():
        _no_jit()
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (Status.APPROVED, Status.RUNNING):
            return 0, True, False
        before = (run.phase, run.cursor)
        step = {Phase.FIELDS: _fields, Phase.CUSTOMERS: _customers,
                Phase.TICKETS: _tickets}.get(run.phase)
        delta, cursor = step(actor, run, budget=budget, first=first) if step \
            else (candidates.empty(), None)
        if cursor is None:  # the phase is through
            run.phase, run.cursor = _NEXT.get(run.phase, Phase.FINISHED), ""
        else:
            run.cursor = cursor
        run.done = candidates.add(run.done or candidates.empty(), delta)
        run.status = Status.RUNNING
        run.batches += 1 if counts else 0
        if objects := candidates.objects(delta):
            record(actor=actor, action="retention.delete", object_type="retention_run",
                   object_id=run.pk, context={"as_of": run.as_of.isoformat(), **delta})
        if run.phase == Phase.FINISHED:
            _finish(actor, run)
        run.save()
        return objects, run.phase == Phase.FINISHED, (run.phase, run.cursor) != before


def _no_jit() -> None:
    """PostgreSQL compiles a query whose estimated cost is high (``jit_above_cost``), and
    the candidates' correlated subqueries, counted per row, estimate high even over one
    window: compiling took some 70 ms of CPU per query, running it under 10. Off for
    this chunk's transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _finish(actor: Actor, run: RetentionRun) -> None:
    run.status, run.active, run.finished_at = Status.DONE, None, clock.now()
    record(actor=actor, action="retention.run", object_type="retention_run",
           object_id=run.pk, context={"as_of": run.as_of.isoformat(), "done": run.done,
                                      "preview": run.preview, "batches": run.batches})


def _window(model, after):
    """The key ``WINDOW`` rows past ``after`` in key order: this chunk looks no further.
    ``None`` when fewer are left (the chunk looks to the end)."""
    keys = model.objects.filter(pk__gt=after) if after is not None else model.objects.all()
    last = list(keys.order_by("pk").values_list("pk", flat=True)[WINDOW - 1:WINDOW])
    return last[0] if last else None


def _between(queryset, key: str, after, upper):
    if after is not None:
        queryset = queryset.filter(**{f"{key}__gt": after})
    return queryset.filter(**{f"{key}__lte": upper}) if upper is not None else queryset


def _past(upper) -> str | None:
    """The cursor after a window with nothing left to delete: its end, or the phase is
    through."""
    return None if upper is None else str(upper)


_BUILT: dict = {}


def _due(kind: str, inventory, as_of):
    """A phase's candidates' queryset, built once per run rather than per chunk (with a
    subquery per field and rule, building it cost as much as running it); each chunk
    filters a clone of it, never the queryset itself."""
    key = (kind, id(inventory), as_of)
    if key not in _BUILT:
        if len(_BUILT) >= 8:
            _BUILT.clear()
        _BUILT[key] = (inventory, getattr(candidates, kind)(inventory, as_of))
    return _BUILT[key][1]


def _fields(actor, run, *, budget, first):
    """Customer by customer in id order: each one's due fields, under its row lock."""
    delta = candidates.empty()
    due = _due("expired_fields", get_inventory(), run.as_of)
    after = uuid.UUID(run.cursor) if run.cursor else None
    upper = _window(Customer, after)
    ids = list(_between(due, "customer_id", after, upper).order_by("customer_id")
               .values_list("customer_id", flat=True).distinct()[:CUSTOMERS_PER_CHUNK])
    if not ids:
        return delta, _past(upper)
    # The chunk's customers locked in key order, then what is due of each read under
    # the locks, in one query: compiling and running the candidates' query per customer
    # cost more than removing their fields.
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=ids)
              .order_by("pk")}
    due_names: dict = {}
    for customer_id, name in due.filter(customer_id__in=ids).values_list("customer_id",
                                                                          "name"):
        due_names.setdefault(customer_id, []).append(name)
    cursor, used = run.cursor, 0
    for customer_id in ids:
        customer = locked[customer_id]
        names = sorted(due_names.get(customer_id, ()))
        if names and used + len(names) > budget and not (first and used == 0):
            return delta, cursor  # the batch's limit: the next batch starts here
        if names:
            customers.fields_expire(actor=actor, customer=customer, names=names)
            record(actor=actor, action="retention.fields", object_type="customer",
                   object_id=customer_id, fields=names, context={"run": run.pk})
            for name in names:
                delta["fields"][name] = delta["fields"].get(name, 0) + 1
            used += len(names)
        cursor = str(customer_id)
    if len(ids) < CUSTOMERS_PER_CHUNK and upper is not None:
        cursor = str(upper)  # nothing else is due in this window
    return delta, cursor


def _customers(actor, run, *, budget, first):
    """One customer per chunk: the key is destroyed before the chunk commits."""
    due = _due("shreddable", get_inventory(), run.as_of)
    after = uuid.UUID(run.cursor) if run.cursor else None
    upper = _window(Customer, after)
    customer_id = (_between(due, "pk", after, upper).order_by("pk")
                   .values_list("pk", flat=True).first())
    if customer_id is None:
        return candidates.empty(), _past(upper)
    customers.shred(actor=actor, customer_id=customer_id, reason=SHRED_REASON,
                    context={"retention_run": run.pk})
    return {**candidates.empty(), "customers": 1}, str(customer_id)


def _tickets(actor, run, *, budget, first):
    due = _due("expired_tickets", get_inventory(), run.as_of)
    after = int(run.cursor) if run.cursor else None
    upper = _window(Ticket, after)
    ids = list(_between(due, "pk", after, upper).order_by("pk")
               .values_list("pk", flat=True)[:min(budget, TICKETS_PER_CHUNK)])
    if not ids:
        return candidates.empty(), _past(upper)
    rows = list(Ticket.objects.select_for_update().filter(pk__in=ids)
                .values_list("pk", "customer_id"))
    locked = [pk for pk, _ in rows]
    messages = Message.objects.filter(ticket_id__in=locked).count()
    # A ticket's words are its customer's (only one customer's tickets merge), and a
    # ticket with none has none indexed.
    search.forget_tickets(locked, customer_ids={c for _, c in rows if c is not None})
    Ticket.objects.filter(pk__in=locked).delete()
    return {**candidates.empty(), "tickets": len(locked), "messages": messages}, str(ids[-1])
