"""Bulk actions on selected tickets: the same change (status, priority, assignee, team,
tags) made ticket by ticket through the same services, so each ticket is checked, locked
and audited as if it were changed alone.

Each ticket is its own savepoint: one that cannot be changed (closed, out of reach, a
permission the change needs) is left exactly as it was and reported, and the others go
through. One ``ticket.bulk`` event, in the same transaction, says who changed how many
tickets at once: mass changes are what an insider does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from trustdesk.access import policy
from trustdesk.audit.services import record, record_denied
from trustdesk.core.actor import Actor
from trustdesk.core.errors import NotFound, PermissionDenied, TrustDeskError, ValidationError
from trustdesk.tickets import services, tagging
from trustdesk.tickets.models import Priority, Status
from trustdesk.tickets.selectors import visible_tickets

MAX_TICKETS = 100


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # ticket id → why, for a person


def _ids(ticket_ids: Iterable) -> list[int]:
    ids: list[int] = []
    for raw in ticket_ids or ():
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise ValidationError("Ticket ids are whole numbers.", field="ids")
        if int(text) not in ids:
            ids.append(int(text))
    if not ids:
        raise ValidationError("Select at least one ticket.", field="ids")
    if len(ids) > MAX_TICKETS:
        raise ValidationError(f"At most {MAX_TICKETS} tickets at once.", field="ids")
    return ids


def tickets_bulk(
    *, actor: Actor, ticket_ids: Sequence, status=services.UNSET, priority=services.UNSET,
    assignee_id=services.UNSET, team_id=services.UNSET, add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
) -> BulkResult:
    """Apply one change to each selected ticket. A value the change cannot have (an
    unknown status, a tag with personal data) refuses the whole request before any ticket
    is touched; a ticket that refuses the change is reported in ``refused``."""
    policy.require(actor, "ticket.update")
    ids = _ids(ticket_ids)
    if status is not services.UNSET and status not in Status.values:
        raise ValidationError(f"status must be one of {', '.join(Status.values)}.",
                              field="status")
    if priority is not services.UNSET and priority not in Priority.values:
        raise ValidationError(f"priority must be one of {', '.join(Priority.values)}.",
                              field="priority")
    remove = tagging.plain_names(remove_tags)
    add = []
    if add_tags:
        # The names are checked (an answer about customers' names) only for a person who
        # can see one of the tickets: out of reach, every ticket reads "Not found.".
        if visible_tickets(actor).filter(pk__in=ids).exists():
            add = tagging.check_new(actor, add_tags)
        else:
            add = tagging.shaped(add_tags)
    if set(add) & set(remove):
        raise ValidationError("A tag cannot be added and removed at once.", field="tags")
    fields = {k: v for k, v in (("status", status), ("priority", priority),
                                ("assignee_id", assignee_id), ("team_id", team_id))
              if v is not services.UNSET}
    if not fields and not add and not remove:
        raise ValidationError("Choose a change to make.", field="action")
    return _apply(actor, ids, fields, add, remove)


@transaction.atomic
def _apply(actor: Actor, ids: list[int], fields: dict, add: list[str], remove: list[str]
           ) -> BulkResult:
    result = BulkResult()
    for ticket_id in ids:
        try:
            with transaction.atomic():
                changed = False
                # Tags first: a move to another team can take the ticket out of sight.
                if add or remove:
                    ticket = tagging.change_checked(actor=actor, ticket_id=ticket_id,
                                                    add=add, remove=remove)
                    changed = bool(ticket.changes)
                if fields:
                    ticket = services.ticket_update(actor=actor, ticket_id=ticket_id,
                                                    **fields)
                    changed = changed or bool(ticket.changes)
        except NotFound:
            result.refused[ticket_id] = "Not found."
        except PermissionDenied as exc:
            # Reported, not raised: the refusal is recorded as any door records it.
            record_denied(actor=actor, action="access.denied", permission=exc.permission,
                          object_type="ticket", object_id=ticket_id)
            result.refused[ticket_id] = exc.message
        except TrustDeskError as exc:
            result.refused[ticket_id] = exc.message
        else:
            (result.done if changed else result.unchanged).append(ticket_id)
    record(actor=actor, action="ticket.bulk", object_type="ticket",
           fields=sorted(fields) + (["tags"] if add or remove else []),
           context={"done": result.done, "unchanged": len(result.unchanged),
                    "refused": len(result.refused), "add_tags": add,
                    "remove_tags": remove})
    return result
