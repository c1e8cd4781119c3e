"""Changing the gateway's configuration: entries of the allow and deny lists
(``mail.configure``), each change audited in its transaction. The integrator's use cases
(routes, the suspended queue) live in their own modules.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from trustdesk.access import policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, ValidationError
from trustdesk.mailgateway import lists
from trustdesk.mailgateway.models import ListEntry

NOTE_MAX = ListEntry._meta.get_field("note").max_length


def _context(entry: ListEntry) -> dict:
    # List values are configuration, not customer data: the event names the value.
    return {"kind": entry.kind, "action": entry.action, "value": entry.value}


def _changed() -> None:
    lists.changed()
    transaction.on_commit(lists.settled)


@transaction.atomic
def list_entry_add(*, actor: Actor, action: str, kind: str, value: str,
                   note: str = "") -> ListEntry:
    """Add an allow or deny entry; its value is validated and normalised for its kind
    (``lists.normalise``). A value already listed (under either action) is refused."""
    policy.require(actor, "mail.configure")
    normalised = lists.normalise(kind, value, action=action)
    note = (note or "").strip()
    if len(note) > NOTE_MAX or not note.isprintable():
        raise ValidationError(f"note: at most {NOTE_MAX} printable characters, on one line.",
                              field="note")
    existing = ListEntry.objects.filter(kind=kind, value=normalised).first()
    if existing is not None:
        raise ValidationError(f"value: {normalised} is already on the {existing.action} "
                              "list; remove that entry first.", field="value")
    try:
        with transaction.atomic():  # a concurrent add of the same value
            entry = ListEntry.objects.create(action=action, kind=kind, value=normalised,
                                             note=note, created_by_user_id=actor.user_id)
    except IntegrityError:
        raise ValidationError(f"value: {normalised} is already listed.",
                              field="value") from None
    record(actor=actor, action="mail.list.add", object_type="mail_list_entry",
           object_id=entry.pk, context=_context(entry))
    _changed()
    return entry


@transaction.atomic
def list_entry_remove(*, actor: Actor, entry_id) -> ListEntry:
    """Remove an entry; the returned row keeps what it was."""
    policy.require(actor, "mail.configure")
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    entry = ListEntry.objects.select_for_update().filter(pk=pk).first()
    if entry is None:
        raise NotFound()
    record(actor=actor, action="mail.list.remove", object_type="mail_list_entry",
           object_id=pk, context=_context(entry))
    entry.delete()
    entry.pk = pk
    _changed()
    return entry
