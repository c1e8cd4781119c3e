"""The reports: volume by channel, first-response and resolution times, SLA attainment,
backlog age, per-team load and customer satisfaction (per team and agent), over a date
range and optionally one team.

Read through ``visible_tickets``: a supervisor's report covers every ticket, an agent's
only their own queue. Everything here is a count or a duration of tickets; nothing of a
customer is read. Viewing and exporting are audited (``report.view``, ``report.export``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from trustdesk.access import policy
from trustdesk.accounts.models import Team
from trustdesk.audit.services import record
from trustdesk.core import clock
from trustdesk.core.actor import Actor
from trustdesk.core.errors import ValidationError
from trustdesk.tickets import csat
from trustdesk.tickets.choices import Channel, Status
from trustdesk.tickets.selectors import visible_tickets

ACTIVE = (Status.NEW, Status.OPEN, Status.PENDING)
AGE_BUCKETS = (("under a day", 1), ("1–3 days", 3), ("3–7 days", 7), ("1–4 weeks", 28),
               ("over 4 weeks", None))
MAX_DAYS = 366


@dataclass(frozen=True)
class Durations:
    count: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True)
class Attainment:
    met: int
    missed: int

    @property
    def rate(self) -> float | None:
        total = self.met + self.missed
        return self.met / total if total else None


@dataclass
class Report:
    start: dt.date
    end: dt.date
    team: Team | None
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    first_response: Durations | None = None
    resolution: Durations | None = None
    sla_first_response: Attainment | None = None
    sla_resolution: Attainment | None = None
    backlog_age: list[tuple[str, int]] = field(default_factory=list)
    team_load: list[tuple[str, int]] = field(default_factory=list)
    created: int = 0
    solved: int = 0
    csat_teams: list = field(default_factory=list)  # csat.Score per team
    csat_agents: list = field(default_factory=list)  # csat.Score per agent


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The report's days (both included): the last 30 by default."""
    today = clock.now().date()
    end = end or today
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise ValidationError("The start is after the end.", field="start")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"A report covers at most {MAX_DAYS} days.", field="start")
    return start, end


def _durations(pairs) -> Durations:
    minutes = sorted((b - a).total_seconds() / 60 for a, b in pairs if a and b and b >= a)
    if not minutes:
        return Durations(0, None, None)
    p90 = minutes[min(len(minutes) - 1, round(0.9 * (len(minutes) - 1)))]
    return Durations(len(minutes), statistics.median(minutes), p90)


def _attainment(pairs) -> Attainment:
    met = missed = 0
    for done, due in pairs:
        if due is None or done is None:
            continue
        if done <= due:
            met += 1
        else:
            missed += 1
    return Attainment(met, missed)


@transaction.atomic
def report(*, actor: Actor, start: dt.date | None = None, end: dt.date | None = None,
           team_id: int | None = None) -> Report:
    policy.require(actor, "ticket.view")
    start, end = period(start, end)
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            raise ValidationError("Unknown team.", field="team_id")
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    tickets = visible_tickets(actor)
    if team is not None:
        tickets = tickets.filter(team=team)
    opened = tickets.filter(created_at__gte=since, created_at__lt=until)
    closed = tickets.filter(solved_at__gte=since, solved_at__lt=until)
    labels = dict(Channel.choices)
    counts = dict(opened.values_list("channel").annotate(n=Count("id")))
    result = Report(start=start, end=end, team=team)
    result.by_channel = [(labels[c], counts.get(c, 0)) for c in Channel.values]
    result.created = sum(counts.values())
    result.solved = closed.count()
    result.first_response = _durations(opened.values_list("created_at",
                                                          "first_responded_at"))
    result.resolution = _durations(closed.values_list("created_at", "solved_at"))
    result.sla_first_response = _attainment(
        opened.filter(first_response_due_at__isnull=False).values_list(
            "first_responded_at", "first_response_due_at"))
    result.sla_resolution = _attainment(
        closed.filter(resolution_due_at__isnull=False).values_list(
            "solved_at", "resolution_due_at"))
    # One counting query, not every open ticket read into Python.
    now, low, counts = clock.now(), None, {}
    for i, (_, high) in enumerate(AGE_BUCKETS):
        # Bucket i: created after (now - high days) and no later than (now - low days).
        cond = Q(status__in=ACTIVE)
        if high is not None:
            cond &= Q(created_at__gt=now - dt.timedelta(days=high))
        if low is not None:
            cond &= Q(created_at__lte=now - dt.timedelta(days=low))
        counts[f"b{i}"] = Count("id", filter=cond)
        low = high
    ages = tickets.aggregate(**counts)
    buckets = [(label, ages[f"b{i}"]) for i, (label, _) in enumerate(AGE_BUCKETS)]
    result.backlog_age = buckets
    load = tickets.filter(status__in=ACTIVE).values_list("team__name").annotate(
        n=Count("id")).order_by("-n")
    result.team_load = [(name or "No team", n) for name, n in load]
    result.csat_teams, result.csat_agents = csat.results(tickets, since=since, until=until)
    record(actor=actor, action="report.view", object_type="report",
           context={"start": start.isoformat(), "end": end.isoformat(),
                    "team_id": team_id})
    return result


def rows(r: Report) -> list[tuple]:
    """The report as CSV rows: (section, item, value)."""
    out: list[tuple] = [("section", "item", "value"),
                        ("period", "start", r.start.isoformat()),
                        ("period", "end", r.end.isoformat()),
                        ("period", "team", r.team.name if r.team else "all"),
                        ("volume", "created", r.created), ("volume", "solved", r.solved)]
    out += [("volume by channel", name, n) for name, n in r.by_channel]
    for label, d in (("first response minutes", r.first_response),
                     ("resolution minutes", r.resolution)):
        out += [(label, "count", d.count), (label, "median", _round(d.median_minutes)),
                (label, "p90", _round(d.p90_minutes))]
    for label, a in (("sla first response", r.sla_first_response),
                     ("sla resolution", r.sla_resolution)):
        out += [(label, "met", a.met), (label, "missed", a.missed),
                (label, "rate", "" if a.rate is None else f"{a.rate:.3f}")]
    out += [("backlog age", label, n) for label, n in r.backlog_age]
    out += [("team load", name, n) for name, n in r.team_load]
    for label, scores in (("csat by team", r.csat_teams), ("csat by agent", r.csat_agents)):
        for score in scores:
            out += [(label, f"{score.label} sent", score.sent),
                    (label, f"{score.label} answered", score.answered),
                    (label, f"{score.label} satisfied",
                     "" if score.satisfied is None else f"{score.satisfied:.3f}")]
    return out


def _round(value):
    return "" if value is None else round(value, 1)


def exported(*, actor: Actor, r: Report) -> list[tuple]:
    """The CSV rows of a report just read, the export audited."""
    with transaction.atomic():
        record(actor=actor, action="report.export", object_type="report",
               context={"start": r.start.isoformat(), "end": r.end.isoformat(),
                        "team_id": r.team.pk if r.team else None})
    return rows(r)
