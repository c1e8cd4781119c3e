"""Domain objects → response dicts, in one place so every endpoint says the same thing."""

from __future__ import annotations

from trustdesk.customers.profiles import CustomerProfile
from trustdesk.tickets import sla
from trustdesk.tickets.models import Message, Ticket


def ref(obj, name_attr: str = "name") -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, name_attr) or str(obj)}


def customer(profile: CustomerProfile) -> dict:
    erasure = None
    if profile.erased_at:
        erasure = {"erased_at": profile.erased_at, "erased_by": profile.erased_by,
                   "reason": profile.erasure_reason}
    return {
        "id": profile.id, "status": profile.status, "created_at": profile.created_at,
        "updated_at": profile.updated_at, "profile": profile.profile, "access": profile.access,
        "erasure": erasure,
    }


def ticket(t: Ticket, customer_name: str | None) -> dict:
    return {
        "id": t.pk, "subject": t.subject, "status": t.status, "priority": t.priority,
        "channel": t.channel, "customer_id": t.customer_id, "customer_name": customer_name,
        "assignee": ref(t.assignee, "full_name"), "team": ref(t.team),
        "created_at": t.created_at, "updated_at": t.updated_at,
        "last_message_at": t.last_message_at,
        "tags": [tag.name for tag in t.tags.all()],
        "sla": [{"kind": x.kind, "due_at": x.due_at, "state": x.state, "minutes": x.minutes}
                for x in sla.timers(t)],
    }


def ticket_page(page) -> dict:
    """A page of ``tickets.selectors.TicketRow`` as ``TicketPage``."""
    return {"items": [ticket(r.ticket, r.customer_name) for r in page.items],
            "page": page.page, "page_size": page.page_size, "total": page.total,
            "total_capped": page.total_capped}


def _attachment(a) -> dict:
    # Set per reader by the selector; a file just stored says only whether it is
    # quarantined (fail closed).
    downloadable = getattr(a, "downloadable", not a.quarantined)
    return {"id": a.pk, "filename": a.filename, "content_type": a.content_type,
            "size": a.size,
            # A quarantined file's digest is of content nobody scanned: a test of guesses.
            "sha256": a.sha256 if downloadable else None,
            "quarantined": a.quarantined, "quarantine_reason": a.quarantine or None,
            "downloadable": downloadable}


def message(m: Message, mail_warnings: dict | None = None) -> dict:
    return {
        "mail_warnings": (mail_warnings or {}).get(m.pk, []),
        "id": m.pk, "direction": m.direction, "channel": m.channel,
        "author": ref(m.author, "full_name"), "body": m.body, "created_at": m.created_at,
        "redactions": m.redactions or {},
        "guard_warnings": getattr(m, "guard_warnings", []),
        "attachments": [_attachment(a) for a in m.attachment_list],
    }


def audit_event(e) -> dict:
    """An ``AuditEvent`` as the API shows it (no user agent or session digest)."""
    return {
        "id": e.pk, "at": e.at,
        "actor": {"kind": e.actor_kind, "label": e.actor_label, "user_id": e.actor_user_id},
        "action": e.action, "object": {"type": e.object_type, "id": e.object_id},
        "fields": e.fields, "outcome": e.outcome, "reason": e.reason,
        "ip": str(e.ip) if e.ip else None, "context": e.context,
    }


def verification(v) -> dict | None:
    if v is None:
        return None
    return {"at": v.at, "ok": v.ok, "checked": v.checked, "first_bad_seq": v.first_bad_seq,
            "problem": v.problem, "seconds": v.seconds}
