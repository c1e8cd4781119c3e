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

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

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
    return Batch(run_id=run_id, objects=done, finished=finished)


def _chunk(actor: Actor, run_id: int, *, budget: int,
           first: bool, counts: bool) -> tuple[int, bool, bool]:
    """(objects deleted, run finished, cursor or phase moved)."""
    with transaction.atomic():
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


def _finish(actor: Actor, run: RetentionRun) -> None:
    run.status, run.active, run.finished_at = Status.DONE, None, clock.now()
    record(actor=actor, action="retention.run", object_type="retention_run",
           object_id=run.pk, context={"as_of": run.as_of.isoformat(), "done": run.done,
                                      "preview": run.preview, "batches": run.batches})


def _fields(actor, run, *, budget, first):
    """Customer by customer in id order: each one's due fields, under its row lock."""
    inventory, delta = get_inventory(), candidates.empty()
    due = candidates.expired_fields(inventory, run.as_of)
    after = due.filter(customer_id__gt=uuid.UUID(run.cursor)) if run.cursor else due
    ids = list(after.order_by("customer_id").values_list("customer_id", flat=True)
               .distinct()[:CUSTOMERS_PER_CHUNK])
    if not ids:
        return delta, None
    cursor, used = run.cursor, 0
    for customer_id in ids:
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        names = sorted(due.filter(customer_id=customer_id).values_list("name", flat=True))
        if names and used + len(names) > budget and not (first and used == 0):
            break  # the batch's limit: the next batch starts at this customer
        if names:
            customers.fields_expire(actor=actor, customer=customer, names=names)
            record(actor=actor, action="retention.fields", object_type="customer",
                   object_id=customer_id, fields=names, context={"run": run.pk})
            for name in names:
                delta["fields"][name] = delta["fields"].get(name, 0) + 1
            used += len(names)
        cursor = str(customer_id)
    return delta, cursor


def _customers(actor, run, *, budget, first):
    """One customer per chunk: the key is destroyed before the chunk commits."""
    due = candidates.shreddable(get_inventory(), run.as_of)
    after = due.filter(pk__gt=uuid.UUID(run.cursor)) if run.cursor else due
    customer_id = after.order_by("pk").values_list("pk", flat=True).first()
    if customer_id is None:
        return candidates.empty(), None
    customers.shred(actor=actor, customer_id=customer_id, reason=SHRED_REASON,
                    context={"retention_run": run.pk})
    return {**candidates.empty(), "customers": 1}, str(customer_id)


def _tickets(actor, run, *, budget, first):
    due = candidates.expired_tickets(get_inventory(), run.as_of)
    after = due.filter(pk__gt=int(run.cursor)) if run.cursor else due
    ids = list(after.order_by("pk").values_list("pk", flat=True)[:min(budget,
                                                                        TICKETS_PER_CHUNK)])
    if not ids:
        return candidates.empty(), None
    locked = list(Ticket.objects.select_for_update().filter(pk__in=ids)
                  .values_list("pk", flat=True))
    messages = Message.objects.filter(ticket_id__in=locked).count()
    search.forget_tickets(locked)
    Ticket.objects.filter(pk__in=locked).delete()
    return {**candidates.empty(), "tickets": len(locked), "messages": messages}, str(ids[-1])
