"""Copies (CC): other people a ticket's conversation goes to — the colleague a customer
copied on their mail, or one an agent adds. Their addresses are personal data of people
who are not customers, so they are sealed under the ticket's customer's key (erased with
the customer) and shown as the field policy shows the customer's own email address:
masked for a role that sees that masked, never in clear in a list or a log. Replies by
email go to the customer with these on Cc.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.db import transaction

from trustdesk import vault
from trustdesk.access import fields as fp
from trustdesk.access import masking, policy
from trustdesk.audit.services import record
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.customers.models import subject_for
from trustdesk.customers.visibility import field_policy, known_customers
from trustdesk.tickets.errors import TicketClosed
from trustdesk.tickets.models import Status, Ticket
from trustdesk.tickets.services import locked_ticket

MAX_CC = 10
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\[\]\\]{1,64}@[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?"
                      r"\.[a-z]{2,63}")


def _purpose(ticket_id: int) -> str:
    return f"ticket.cc:{ticket_id}"


def addresses(ticket: Ticket) -> list[str]:
    """The ticket's copies, opened (for the mail gateway and this module)."""
    if not ticket.cc_sealed:
        return []
    return json.loads(vault.open_text(subject_for(ticket.customer_id), _purpose(ticket.pk),
                                      bytes(ticket.cc_sealed)))


def _store(ticket: Ticket, values: list[str]) -> None:
    ticket.cc_sealed = vault.seal_text(subject_for(ticket.customer_id), _purpose(ticket.pk),
                                       json.dumps(values)) if values else None
    ticket.save(update_fields=["cc_sealed", "updated_at"])


def clean(raw: Iterable[str]) -> list[str]:
    out = []
    for value in raw or ():
        text = str(value).strip().lower()
        if not _ADDRESS.fullmatch(text):
            raise ValidationError("Copies are email addresses (name@example.com).",
                                  field="cc")
        if text not in out:
            out.append(text)
    return out


def from_mail(ticket: Ticket, copied: Iterable[str], *, exclude: Iterable[str]) -> int:
    """The addresses a customer's mail was also sent to (To and Cc, less the support
    addresses and the customer), added to the ticket's copies; returns how many were
    new. Called by intake, as the system, in its transaction."""
    skip = {a.lower() for a in exclude}
    try:
        wanted = [a for a in clean(a for a in copied if a) if a not in skip]
    except ValidationError:
        wanted = [a for a in copied if a and _ADDRESS.fullmatch(a) and a not in skip]
    current = addresses(ticket)
    new = [a for a in wanted if a not in current][:max(0, MAX_CC - len(current))]
    if new:
        _store(ticket, current + new)
    return len(new)


@transaction.atomic
def ticket_cc_change(*, actor: Actor, ticket_id: int, add: Iterable[str] = (),
                     remove: Iterable[int] = ()) -> list[str]:
    """Add copies (addresses) and remove them (by their position in the list, as shown:
    a masked address cannot be named), on a ticket the actor may see and update.
    Audited as ``ticket.cc`` with counts, never an address. Returns the list as shown."""
    policy.require(actor, "ticket.update")
    ticket = locked_ticket(actor, ticket_id)
    if ticket.status == Status.CLOSED:
        raise TicketClosed()
    current = addresses(ticket)
    drop = set()
    for position in remove or ():
        if not isinstance(position, int) or isinstance(position, bool) or not (
                0 <= position < len(current)):
            raise ValidationError("No such copy.", field="cc")
        drop.add(position)
    kept = [a for i, a in enumerate(current) if i not in drop]
    added = [a for a in clean(add) if a not in kept]
    if len(kept) + len(added) > MAX_CC:
        raise ValidationError(f"At most {MAX_CC} copies.", field="cc")
    if added or drop:
        _store(ticket, kept + added)
        record(actor=actor, action="ticket.cc", object_type="ticket", object_id=ticket.pk,
               fields=["cc"], context={"added": len(added), "removed": len(drop),
                                       "customer": str(ticket.customer_id)})
    return shown(actor, ticket, kept + added)


def shown(actor: Actor, ticket: Ticket, values: list[str] | None = None) -> list[str]:
    """The copies as this reader may see them: as the customer's own email address is
    shown to them (in clear, masked, or not at all)."""
    values = addresses(ticket) if values is None else values
    decision = field_policy().decide(actor.role, "email")
    if decision == fp.HIDDEN:
        return ["(hidden)" for _ in values]
    if actor.is_system or (decision == fp.VISIBLE and ticket.customer_id in known_customers(
            actor, [ticket.customer_id])):
        return list(values)
    return [masking.mask_email(v) for v in values]
