"""Who may download a file intake could not scan.

A quarantined file (``Attachment.quarantine``, see ``tickets.scanning``) may hold anything
in clear: a card number, a password, a session cookie. So it goes only to a reader who
*may see every field* of the ticket's customer. Precisely: for every field of the data
inventory, the reader's effective decision on this customer — the field policy for their
role (``customers.visibility.field_policy``), with need-to-know applied
(``visibility.decisions``: a field withheld for want of a ticket is ``locked``) — is
``visible``, or ``revealable`` and the reader holds ``customer.reveal``. One hidden,
masked or locked field, and the file could show them what the profile never would.
System actors (jobs, the command line) act for the installation and qualify.

With the shipped policy only the privacy officer's decisions qualify (billing does not
see restricted fields; every ticket role has a masked or hidden field), and that role has
no ticket access: nobody downloads a quarantined file until an installation grants a
role both. Fail closed. Everyone else gets "not found", as for anything hidden from them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from trustdesk.access import fields as fp
from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.customers import visibility


def may_see_every_field(actor: Actor, customer_id: uuid.UUID) -> bool:
    if actor.is_system:
        return True
    known = customer_id in visibility.known_customers(actor, [customer_id])
    decisions = visibility.decisions(actor, known=known)
    can_reveal = policy.has_permission(actor, "customer.reveal")
    return bool(decisions) and all(
        d == fp.VISIBLE or (d == fp.REVEALABLE and can_reveal) for d in decisions.values())


def may_download(actor: Actor, customer_id: uuid.UUID, attachment) -> bool:
    return not attachment.quarantine or may_see_every_field(actor, customer_id)


def mark(actor: Actor, customer_id: uuid.UUID, messages: Iterable) -> None:
    """Set ``downloadable`` on each opened attachment of ``messages`` for ``actor``."""
    allowed = None
    for message in messages:
        for attachment in message.attachment_list:
            if attachment.quarantine and allowed is None:
                allowed = may_see_every_field(actor, customer_id)
            attachment.downloadable = not attachment.quarantine or bool(allowed)
