"""Forgetting portal links nobody can use any more (docs/portal.md): a sign-in link past
its expiry whose session, if it started one, has ended too, and a contact link that was
never confirmed. Each row still holds keyed hashes and, for a contact, the sealed words
and address of someone who never confirmed them: data kept for nothing. A daily job
deletes them in bounded batches, shredding each unconfirmed contact's own key."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from trustdesk import vault
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.customers.models import PortalLink
from trustdesk.customers.portal import contact_key

GRACE = dt.timedelta(days=1)  # a link clicked just after it expired still says so
BATCH = 1000
ACTOR = Actor.system("portal prune")


def dead_links(now: dt.datetime):
    cutoff = now - GRACE
    return PortalLink.objects.filter(expires_at__lt=cutoff).filter(
        Q(session_expires_at__isnull=True) | Q(session_expires_at__lt=cutoff))


def prune(*, batch: int = BATCH) -> int:
    """Delete dead links, ``batch`` per transaction, until none is left; the number
    deleted. Safe on several workers: each batch locks its rows, skipping locked ones."""
    total, now = 0, clock.now()
    while True:
        with transaction.atomic():
            rows = list(dead_links(now).select_for_update(skip_locked=True)
                        .order_by("pk").values_list("pk", "purpose", "used_at")[:batch])
            if not rows:
                return total
            PortalLink.objects.filter(pk__in=[pk for pk, *_ in rows]).delete()
            # A confirmed contact's key went when it became a ticket; an unconfirmed
            # one's goes now, after the rows (fail closed: a failure leaves them sealed).
            keys = [contact_key(PortalLink(pk=pk)) for pk, purpose, used in rows
                    if purpose == PortalLink.Purpose.CONTACT and used is None]
            record(actor=ACTOR, action="portal.prune", object_type="portal_link",
                   context={"links": len(rows), "contacts": len(keys)})
            if keys:
                transaction.on_commit(lambda keys=keys: [vault.shred(k) for k in keys])
            total += len(rows)

