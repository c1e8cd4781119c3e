"""The evidence that a notice went out: when, by whom, to whom and under what reference
(docs/incidents.md). Recorded once per clock: a second recording would let the
evidence be rewritten after the fact, so it is refused and the first one stands."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from trustdesk.access import policy
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import Conflict, NotFound, ValidationError
from trustdesk.grc import services, validation
from trustdesk.grc.models import NoticeClock


def _line(value: str, field: str, noun: str) -> str:
    value = " ".join((value or "").replace("\x00", "").split())
    if not value:
        raise ValidationError(f"Say {noun}.", field=field)
    if len(value) > 254:
        raise ValidationError("Please write at most 254 characters.", field=field)
    return value


@transaction.atomic
def notice_record(*, actor: Actor, incident_id, clock_kind: str, recipient: str,
                  reference: str, sent_at=None) -> NoticeClock:
    policy.require(actor, "incident.manage")
    row = services.locked(incident_id, open_only=False)
    c = NoticeClock.objects.select_for_update().filter(incident=row, kind=clock_kind).first()
    if c is None:
        raise NotFound()
    if c.sent_at is not None:
        raise Conflict(f"The {c.kind} notice was recorded as sent on "
                       f"{c.sent_at:%Y-%m-%d %H:%M} UTC by {c.sent_by}; it is not recorded "
                       "twice.", field="clock")
    recipient = _line(recipient, "recipient", "to whom the notice went")
    reference = _line(reference, "reference", "the notice's reference (a case number, "
                                              "the letter's date)")
    when = (validation.moment(sent_at, field="sent_at", noun="when the notice was sent")
            if sent_at else clock.now())
    if when < row.aware_at - dt.timedelta(minutes=1):
        raise ValidationError("A notice cannot go out before the company was aware.",
                              field="sent_at")
    c.sent_at, c.sent_by, c.recipient, c.reference = when, actor.label, recipient, reference
    c.save(update_fields=["sent_at", "sent_by", "recipient", "reference"])
    services.audit(actor, "incident.notice", row, clock=c.kind, sent_at=when.isoformat(),
                   late=when > c.due_at)
    return c
