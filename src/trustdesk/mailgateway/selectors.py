"""Reading the gateway's configuration: the allow and deny lists (``mail.view``).

List values are configuration (which senders, networks and countries the gateway turns
away or lets through), not customer data: reading them is not recorded, as reading the
jobs page is not.
"""

from __future__ import annotations

from trustdesk.access import policy
from trustdesk.core.actor import Actor
from trustdesk.mailgateway.models import ListEntry


def list_entries(*, actor: Actor, action: str | None = None,
                 kind: str | None = None) -> list[ListEntry]:
    """Every entry, deny before allow, then by kind and value."""
    policy.require(actor, "mail.view")
    rows = ListEntry.objects.all()
    if action:
        rows = rows.filter(action=action)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows, key=lambda e: (e.action != "deny", e.kind, e.value))
