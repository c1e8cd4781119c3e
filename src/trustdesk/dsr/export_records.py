"""What a customer's copy holds besides conversations: the profile, how their identity
was checked, their consent records, their privacy requests, and the access report —
who (by role, never by name) did what with their data, read from the audit trail.

The access report reads the trail's ``customer`` column, which every event about a
customer carries whatever its object (the profile, a ticket, a request), one indexed
filter. Members of staff are other people: the report says "Agent, team Billing", not
who. What the events name are actions, never values, so nothing else needs taking out.
"""

from __future__ import annotations

from collections.abc import Iterator

from trustdesk.access.roles import ROLE_LABELS
from trustdesk.accounts.models import User
from trustdesk.audit.models import AuditEvent
from trustdesk.customers.consent_selectors import wording_of
from trustdesk.customers.models import CallerFactor, DataRequest
from trustdesk.customers.models_consent import Consent, Objection
from trustdesk.privacy.inventory import get_inventory
from trustdesk.verification.models import Challenge

CHUNK = 500
ACTORS = {"customer": "You", "system": "TrustDesk (automatic)",
          "anonymous": "Someone not signed in"}


def profile(values: dict[str, str]) -> list[dict]:
    """Every field on file, opened (a card as it is stored: tokenized, BIN and last four)."""
    out, known = [], set()
    for spec in get_inventory().fields:
        known.add(spec.name)
        if values.get(spec.name):
            out.append({"field": spec.name, "label": spec.label,
                        "value": values[spec.name], "purpose": spec.purpose,
                        "legal_basis": spec.legal_basis, "kept_for": spec.retention})
    # A value the inventory no longer declares is still held: it is given too.
    out += [{"field": name, "label": name, "value": value, "purpose": "", "legal_basis": "",
             "kept_for": ""} for name, value in sorted(values.items()) if name not in known]
    return out


def verification(customer_id) -> Iterator[dict]:
    """When and how the customer proved who they are; never a code or an answer."""
    for kind, method, at in (CallerFactor.objects.filter(customer_id=customer_id)
                             .order_by("passed_at", "id")
                             .values_list("kind", "method", "passed_at")
                             .iterator(chunk_size=CHUNK)):
        yield {"what": "factor passed", "at": at, "kind": kind, "method": method,
               "result": "passed", "closed_at": at}
    for method, outcome, at, closed in (Challenge.objects.filter(customer_id=customer_id)
                                        .order_by("created_at", "id")
                                        .values_list("method", "outcome", "created_at",
                                                     "closed_at")
                                        .iterator(chunk_size=CHUNK)):
        yield {"what": "verification attempt", "at": at, "kind": "", "method": method,
               "result": outcome, "closed_at": closed}


def consent(customer_id) -> Iterator[dict]:
    """Each consent given — when, how, for what, the words agreed to, and its
    withdrawal — and each objection. Who recorded it is staff's data: shown only as
    whether it was the customer themself."""
    for row in (Consent.objects.filter(customer_id=customer_id)
                .order_by("given_at", "pk").iterator(chunk_size=CHUNK)):
        yield {"record": "consent", "purpose": row.purpose, "given_at": row.given_at,
               "how": row.method, "by_you": row.given_by.startswith("customer:"),
               "wording": wording_of(row), "version": row.version,
               "withdrawn_at": row.withdrawn_at, "withdrawal_how": row.withdrawal_method}
    for row in (Objection.objects.filter(customer_id=customer_id)
                .order_by("at", "pk").iterator(chunk_size=CHUNK)):
        yield {"record": "objection", "purpose": row.purpose, "at": row.at,
               "how": row.method, "by_you": row.by.startswith("customer:"),
               "privacy_request": row.request_id}


def privacy_requests(customer_id, *, answering: int | None = None) -> Iterator[dict]:
    """Each request; the one this copy answers is closed only once the copy is made,
    so it says so rather than "open"."""
    for row in (DataRequest.objects.filter(customer_id=customer_id)
                .order_by("created_at", "id")
                .values("id", "kind", "status", "created_at", "due_at", "closed_at",
                        "outcome").iterator(chunk_size=CHUNK)):
        yield {"request": row["id"], "kind": row["kind"], "received": row["created_at"],
               "due": row["due_at"], "closed": row["closed_at"],
               "outcome": "answered by this copy" if row["id"] == answering
               else row["outcome"] or row["status"]}


class AccessReport:
    def __init__(self, customer_id) -> None:
        self.customer_id = str(customer_id)
        self._who: dict[int, str] = {}

    def __iter__(self) -> Iterator[dict]:
        events = (AuditEvent.objects.filter(customer=self.customer_id)
                  .order_by("id").only("at", "action", "actor_user_id", "object_type",
                                       "outcome", "body"))
        for event in events.iterator(chunk_size=CHUNK):
            yield {"at": event.at, "action": event.action, "object": event.object_type,
                   "outcome": event.outcome,
                   "by": self._by(event.actor_user_id, event.detail.get("actor_kind", ""))}

    def _by(self, user_id, kind: str) -> str:
        if user_id is None:
            return ACTORS.get(kind, "TrustDesk")
        if user_id not in self._who:
            user = User.objects.filter(pk=user_id).prefetch_related("teams").first()
            if user is None:
                self._who[user_id] = "A former member of staff"
            else:
                teams = ", ".join(t.name for t in user.teams.all())
                role = ROLE_LABELS.get(user.role, "Staff")
                self._who[user_id] = f"{role}, team {teams}" if teams else role
        return self._who[user_id]
