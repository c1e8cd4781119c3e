"""The hourly scan (``insider/jobs.py``): the audit trail of the last
``TRUSTDESK_INSIDER_WINDOW_DAYS`` days — read through the audit export's ``records``,
never raw SQL — judged by the pure detectors (``detect``), their alerts stored as
``InsiderAlert`` rows, the new ones routed to the security officers.

Repeatable: a scan with no audit event past the cursor (``ScanState``) judges nothing,
and one that sees an alert again updates it — same detector, same person, a window
that overlaps (within a day) — instead of adding another. A detector and person an
officer dismissed are not alerted again for ``TRUSTDESK_INSIDER_SUPPRESS_DAYS`` unless
the score rises ``TRUSTDESK_INSIDER_SUPPRESS_RISE`` above the dismissed one.

Routing: a new alert scoring ``TRUSTDESK_INSIDER_NOTIFY_SCORE`` or more emails everyone
whose role may work insider alerts (``insider.manage``: security officers), a job per
officer, naming the detector and the person only. Never the person's manager nor the
person: a conversation comes first, and the officers decide who has it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from trustdesk.access import grants
from trustdesk.accounts.models import User
from trustdesk.audit.export import events_since, render
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.insider import detect
from trustdesk.insider.detect.events import read_events
from trustdesk.insider.models import InsiderAlert, ScanState
from trustdesk.jobs.registry import enqueue

SCANNER = Actor.system("insider.scan")
OVERLAP = dt.timedelta(days=1)
NOTIFIED = "insider.manage"


@dataclass(frozen=True)
class Scanned:
    events: int
    created: int
    updated: int
    suppressed: int
    notified: int


def load_settings() -> detect.Settings:
    path = settings.INSIDER_CONFIG
    return detect.load_settings(path) if path else detect.Settings()


def trail_lines(since: dt.datetime):
    """The export's JSON lines of every audit event at or after ``since``."""
    for rec in events_since(since):
        yield render(rec, "jsonl")


def officers(*, exclude_user_id=None) -> list[int]:
    roles = [role for role, perms in grants.table().items() if NOTIFIED in perms]
    users = User.objects.filter(role__in=roles, is_active=True).exclude(email="")
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return list(users.values_list("pk", flat=True))


def _key(a: detect.Alert) -> str:
    digest = hashlib.sha256(f"{a.detector}\x00{a.actor}".encode()).hexdigest()[:32]
    return f"{a.detector}:{digest}:{a.first_at.astimezone(dt.UTC):%Y%m%dT%H%M%S.%f}"


def _evidence(a: detect.Alert, ids: dict[str, int]) -> tuple[str, list[dict]]:
    summary, out = "", []
    for ref, what in a.evidence:
        if not ref:
            summary = summary or what
            continue
        pk = ids.get(ref)
        out.append({"event": ref, "id": pk, "what": what})
    if a.more:
        out.append({"event": None, "id": None, "what": f"and {a.more} more events like these"})
    return summary, out


def _suppressed(a: detect.Alert, now: dt.datetime) -> bool:
    days = settings.INSIDER_SUPPRESS_DAYS
    if not days:
        return False
    dismissed = (InsiderAlert.objects.filter(
        detector=a.detector, actor_label=a.actor, status=InsiderAlert.Status.DISMISSED,
        handled_at__gte=now - dt.timedelta(days=days))
        .order_by("-handled_at").first())
    if dismissed is None:
        return False
    return a.score < (dismissed.dismissed_score or dismissed.score) + settings.INSIDER_SUPPRESS_RISE


def _notify(row: InsiderAlert, now: dt.datetime) -> int:
    from trustdesk.insider import jobs

    if row.score < settings.INSIDER_NOTIFY_SCORE or row.notified_at is not None:
        return 0
    people = officers(exclude_user_id=row.actor_user_id)
    for user_id in people:
        enqueue(jobs.insider_alert_email, row.pk, user_id)
    row.notified_at = now
    row.save(update_fields=["notified_at"])
    return len(people)


def _audit(row: InsiderAlert, what: str) -> None:
    # What the SIEM receives (export, syslog forwarding): the detector, the person and
    # the score; the evidence stays in TrustDesk.
    record(actor=SCANNER, action="insider.alert", object_type="insider_alert",
           object_id=row.pk, context={"detector": row.detector, "person": row.actor_label,
                                      "user": row.actor_user_id, "score": row.score,
                                      "status": row.status, "what": what})


def store(a: detect.Alert, *, user_id, now: dt.datetime,
          ids: dict[str, int]) -> tuple[str, InsiderAlert | None]:
    """Record one detector alert: "created", "updated", "same" or "suppressed". Call
    in a transaction. ``ids``: the audit event id of each evidence reference."""
    summary, evidence = _evidence(a, ids)
    row = (InsiderAlert.objects.select_for_update()
           .filter(detector=a.detector, actor_label=a.actor,
                   first_at__lte=a.last_at + OVERLAP, last_at__gte=a.first_at - OVERLAP)
           .order_by("-last_at").first())
    if row is None:
        row = InsiderAlert.objects.filter(dedup_key=_key(a)).first()
    if row is not None:
        first, last = min(row.first_at, a.first_at), max(row.last_at, a.last_at)
        score = max(row.score, a.score)
        if (first, last, score) == (row.first_at, row.last_at, row.score):
            return "same", row
        row.first_at, row.last_at, row.score = first, last, score
        if a.score >= row.score:
            row.summary, row.evidence = summary, evidence
        reopened = (row.status == InsiderAlert.Status.DISMISSED
                    and score >= (row.dismissed_score or 0) + settings.INSIDER_SUPPRESS_RISE)
        if reopened:
            row.status, row.notified_at = InsiderAlert.Status.OPEN, None
        row.updated_at = now
        row.save()
        _audit(row, "reopened" if reopened else "updated")
        if reopened:
            _notify(row, now)
        return "updated", row
    if _suppressed(a, now):
        return "suppressed", None
    row = InsiderAlert.objects.create(
        dedup_key=_key(a), detector=a.detector, actor_label=a.actor, actor_user_id=user_id,
        score=a.score, first_at=a.first_at, last_at=a.last_at, summary=summary,
        evidence=evidence, created_at=now, updated_at=now)
    _audit(row, "created")
    return "created", row


def scan(*, now: dt.datetime | None = None, force: bool = False) -> Scanned:
    """Judge the window if the trail has moved on since the last scan (or ``force``)."""
    now = now or clock.now()
    with transaction.atomic():
        state, _ = ScanState.objects.select_for_update().get_or_create(name="scan")
        from trustdesk.insider import selectors

        newest = selectors.newest_event_id()
        if not force and newest <= state.last_event_id:
            return Scanned(0, 0, 0, 0, 0)
        since = now - dt.timedelta(days=settings.INSIDER_WINDOW_DAYS)
        events = read_events(trail_lines(since))
        users, ids = {}, {}
        for e in events:
            if e.user_id:
                users.setdefault(e.actor, e.user_id)
            if e.id.isdigit():
                ids[e.ref] = int(e.id)
        alerts = detect.Registry.from_settings(cfg := load_settings()).run(events, cfg)
        counts = {"created": 0, "updated": 0, "suppressed": 0, "same": 0}
        notified = 0
        for a in alerts:
            uid = users.get(a.actor)
            done, row = store(a, user_id=int(uid) if uid and uid.isdigit() else None,
                              now=now, ids=ids)
            counts[done] += 1
            if done == "created":
                notified += _notify(row, now)
        # Past this scan's own insider.alert events too: they are no reason to scan again.
        state.last_event_id = max(selectors.newest_event_id(), state.last_event_id)
        state.scanned_at, state.events = now, len(events)
        state.save()
    return Scanned(len(events), counts["created"], counts["updated"], counts["suppressed"],
                   notified)
