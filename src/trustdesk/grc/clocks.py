"""The notification clocks of an incident and their legal basis (docs/incidents.md).

Every clock runs from ``aware_at``, the moment the company became aware:
- the supervisory authority, 72 hours (GDPR Art. 33(1)), for a personal-data breach;
- the people affected, "without undue delay" when the breach is likely to result in a
  high risk to them (Art. 34(1)). The law gives no hours: the target is the company's
  own, ``TRUSTDESK_INCIDENT_SUBJECTS_HOURS`` (72 by default);
- HIPAA, 60 days (45 CFR 164.404), when ``TRUSTDESK_INCIDENT_HIPAA`` is on;
- PIPL (Art. 57 says "immediately"), ``TRUSTDESK_INCIDENT_PIPL_HOURS``, off by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from trustdesk.core import clock

BASIS = {
    "authority": "GDPR Art. 33(1): the supervisory authority within 72 hours of awareness",
    "subjects": "GDPR Art. 34(1): the people affected without undue delay (target: {h} h, "
                "TRUSTDESK_INCIDENT_SUBJECTS_HOURS)",
    "hipaa": "HIPAA 45 CFR 164.404: the individuals within 60 days of discovery",
    "pipl": "PIPL Art. 57: the authority and the individuals immediately (target: {h} h, "
            "TRUSTDESK_INCIDENT_PIPL_HOURS)",
}


def personal_data(kind: str, categories) -> bool:
    """A breach of personal data: a data breach, or any incident involving categories of
    the inventory (a lost laptop with customer data on it is one too)."""
    return kind == "data_breach" or bool(categories)


def periods(*, kind: str, categories, high_risk: bool) -> dict[str, dt.timedelta]:
    """The clocks that run for an incident like this one, and how long each is."""
    if not personal_data(kind, categories):
        return {}
    found = {"authority": dt.timedelta(hours=72)}
    if high_risk:
        found["subjects"] = dt.timedelta(hours=settings.INCIDENT_SUBJECTS_HOURS)
    if settings.INCIDENT_HIPAA:
        found["hipaa"] = dt.timedelta(days=60)
    if settings.INCIDENT_PIPL_HOURS:
        found["pipl"] = dt.timedelta(hours=settings.INCIDENT_PIPL_HOURS)
    return found


def basis(kind: str) -> str:
    hours = {"subjects": settings.INCIDENT_SUBJECTS_HOURS,
             "pipl": settings.INCIDENT_PIPL_HOURS}.get(kind, 0)
    return BASIS[kind].format(h=hours)


@dataclass(frozen=True)
class ClockRow:
    kind: str
    basis: str
    due_at: dt.datetime
    seconds_left: int      # negative once late
    left: str              # "71 h 59 min", "overdue by 3 h"
    reminded_at: dt.datetime | None
    breached: bool
    sent_at: dt.datetime | None
    sent_by: str
    recipient: str
    reference: str

    @property
    def sent(self) -> bool:
        return self.sent_at is not None


def _words(seconds: int) -> str:
    minutes = abs(seconds) // 60
    text = f"{minutes // 60} h {minutes % 60} min"
    return text if seconds >= 0 else f"overdue by {text}"


def row_of(c, now: dt.datetime | None = None) -> ClockRow:
    now = now or clock.now()
    left = int((c.due_at - now).total_seconds())
    return ClockRow(kind=c.kind, basis=basis(c.kind), due_at=c.due_at, seconds_left=left,
                    left="sent" if c.sent_at else _words(left), reminded_at=c.reminded_at,
                    breached=c.breached_at is not None, sent_at=c.sent_at,
                    sent_by=c.sent_by, recipient=c.recipient, reference=c.reference)
