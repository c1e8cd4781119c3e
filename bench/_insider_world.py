"""A month of a helpdesk's audit trail, as `trustdesk audit export --format jsonl` writes
it, for the insider-threat benchmark: 50 people in several roles, teams and time zones
doing ordinary work, with planted misbehaviour. Bench-only: the product never imports it.

Ordinary work: shifts that start at each person's own hour, a lunch break, weekends off
(Asia-Pacific covers weekends by rotation), ticket-driven customer views (the queue
listed, the ticket opened, the customer opened, a reply or a note, now and then an
attachment or a revealed field), callers looked up by a search and then given a ticket
(or not), colleagues' customers opened during a hand-over (now and then one nobody had a
ticket for), one busy incident day per team,
on-call nights, public holidays, vacations (up to sixteen days), new joiners with a week
or two of history, billing's daily report exports, browser updates, sign-ins from the
office, from home and now and then from a hotel, the odd blocked reply and verification
override, a promotion, a role reduced and a colleague leaving without incident.

Planted (``SCENARIOS``), each drawn afresh from the seed — who, when, how much, how:
a snooper reading customers without tickets, slowly; a bulk exporter; an off-hours
reader; an enumerator (walking through customers, or guessing at searches, or both); a
dormant account woken up; an agent leaving the company who takes data first."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

START = dt.date(2026, 11, 2)  # a Monday
DAYS = 30
SCENARIOS = ("snooper", "bulk_exporter", "off_hours_reader", "enumerator", "dormant",
             "leaver")
TEAMS = {  # name: (time zone, holidays, people, weekend rotation)
    "support-eu": ("Europe/Paris", {dt.date(2026, 11, 11)}, 16, False),
    "support-us": ("America/New_York", {dt.date(2026, 11, 26), dt.date(2026, 11, 27)}, 14,
                   False),
    "support-apac": ("Asia/Singapore", set(), 10, True),
    "billing": ("Europe/London", set(), 5, False),
    "leads": ("Europe/Paris", {dt.date(2026, 11, 11)}, 5, False),
}
BROWSERS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/{v}.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/{v}.1",
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/{v}.0.0.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/{v}.0.0.0"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Person:
    label: str
    user_id: int
    role: str
    team: str
    tz: str
    shift: float  # local start hour
    length: float
    rate: float  # tickets an hour
    office: str
    home: str
    browser: int
    version: int
    first_day: int = 0
    last_day: int = DAYS  # exclusive
    off: set[int] = field(default_factory=set)
    weekend_days: set[int] = field(default_factory=set)
    oncall_weeks: set[int] = field(default_factory=set)
    handled: list[str] = field(default_factory=list)  # customers of their past tickets


class Trail:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[tuple[dt.datetime, dict]] = []
        self.ticket_id = 1000
        self.customers = [_uuid(rng) for _ in range(20000)]

    def add(self, at: dt.datetime, p: Person | None, action: str, otype: str = "",
            oid="", *, ctx=None, outcome="allowed", fields=(), ip=None, ua=None,
            reason="", actor=None):
        actor = actor or {"kind": "agent", "label": p.label, "user_id": p.user_id,
                          "token_id": None}
        self.rows.append((at, {
            "uid": _uuid(self.rng), "at": at.astimezone(dt.UTC).isoformat(
                timespec="microseconds"), "actor": actor, "action": action,
            "object": {"type": otype, "id": str(oid) if oid != "" else ""},
            "fields": list(fields), "outcome": outcome, "reason": reason,
            "ip": ip if ip is not None else (p.office if p else ""),
            "user_agent": ua if ua is not None else (_ua(p) if p else ""),
            "session": "", "context": ctx or {}, "mac": "0" * 64}))

    def lines(self) -> list[str]:
        self.rows.sort(key=lambda r: r[0])
        out = []
        for seq, (_, row) in enumerate(self.rows, 1):
            row["seq"] = row["id"] = seq
            out.append(json.dumps(row, separators=(",", ":")))
        return out

    def customer(self) -> str:
        return self.rng.choice(self.customers)


def _ua(p: Person) -> str:
    return BROWSERS[p.browser].format(v=p.version)


def _local(p: Person, day: int, hour: float) -> dt.datetime:
    d = START + dt.timedelta(days=day)
    base = dt.datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(p.tz))
    return (base + dt.timedelta(hours=hour)).astimezone(dt.UTC)


def people(rng: random.Random) -> list[Person]:
    out, uid = [], 10
    for t, (team, (tz, _, count, rotation)) in enumerate(TEAMS.items()):
        for i in range(count):
            role = {"billing": "billing", "leads": "supervisor"}.get(team, "agent")
            if role == "agent" and i % 4 == 0:
                role = "senior_agent"
            uid += 1
            p = Person(label=f"{team.split('-')[-1]}.{i:02d}@trustdesk.example", user_id=uid,
                       role=role, team=team, tz=tz, shift=rng.choice([7, 7.5, 8, 8.5, 9, 9.5, 10,
                                                                     11, 13]),
                       length=rng.uniform(7.5, 9), rate=rng.uniform(3, 7),
                       office=f"10.{t + 1}.0.{rng.randrange(2, 250)}",
                       home=f"100.{64 + uid % 60}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                       browser=rng.randrange(len(BROWSERS)), version=rng.randrange(110, 130))
            if rotation:
                p.weekend_days = {d for d in range(DAYS) if _weekday(d) >= 5
                                  and (d + i) % 5 == 0}
            out.append(p)
    # New joiners: a week or two of history at the end of the month.
    for p in rng.sample([p for p in out if p.role == "agent"], 3):
        p.first_day = rng.randrange(14, 23)
    # Vacations, up to sixteen days of silence.
    for p in rng.sample(out, 14):
        start, length = rng.randrange(0, DAYS - 5), rng.choice([3, 5, 7, 10, 12])
        p.off |= set(range(start, start + length))
    # On call: one person per team and week, nights.
    for team in TEAMS:
        members = [p for p in out if p.team == team and p.role != "billing"]
        for week in range(5):
            if members:
                members[(week * 3) % len(members)].oncall_weeks.add(week)
    return out


def _weekday(day: int) -> int:
    return (START + dt.timedelta(days=day)).weekday()


def _works(p: Person, day: int) -> bool:
    d = START + dt.timedelta(days=day)
    if not p.first_day <= day < p.last_day or day in p.off:
        return False
    if d in TEAMS[p.team][1]:
        return False
    return _weekday(day) < 5 or day in p.weekend_days


def _ticket(trail: Trail, p: Person, at: dt.datetime, customer: str, *, reply=0.8,
            ip=None) -> dt.datetime:
    """One ticket handled from ``at``: opened, its customer opened, answered."""
    rng = trail.rng
    trail.ticket_id += 1
    tid = trail.ticket_id
    ctx = {"customer": customer}
    trail.add(at, p, "ticket.view", "ticket", tid, ctx=ctx, fields=["messages"], ip=ip)
    at += dt.timedelta(seconds=rng.uniform(5, 90))
    if rng.random() < 0.7:
        trail.add(at, p, "customer.view", "customer", customer, fields=["full_name", "email"],
                  ip=ip)
    if rng.random() < 0.04:
        trail.add(at + dt.timedelta(seconds=20), p, "customer.reveal", "customer", customer,
                  fields=["phone"], reason="caller asked to confirm the number",
                  ctx={"break_glass": False}, ip=ip)
    if rng.random() < 0.1:
        trail.add(at + dt.timedelta(seconds=30), p, "attachment.download", "attachment",
                  rng.randrange(10**6), ctx={"ticket": tid, "customer": customer}, ip=ip)
    at += dt.timedelta(minutes=rng.uniform(2, 9))
    if rng.random() < 0.015:
        trail.add(at, p, "ticket.reply_blocked", "ticket", tid, outcome="denied",
                  ctx={"customer": customer, "rule": "card_number"}, ip=ip)
        at += dt.timedelta(minutes=1)
    if rng.random() < reply:
        trail.add(at, p, "ticket.reply", "ticket", tid,
                  ctx={"message": rng.randrange(10**7), "attachments": 0, "customer": customer},
                  ip=ip)
    elif rng.random() < 0.5:
        trail.add(at, p, "ticket.note", "ticket", tid, ctx={"customer": customer}, ip=ip)
    p.handled.append(customer)
    return at


def _search(trail: Trail, p: Person, at: dt.datetime, found: list[str], *, ip=None):
    rng = trail.rng
    trail.add(at, p, "customer.list", "customer", ctx={
        "ids": found, "match": ["email"], "searched": {"email": f"{rng.getrandbits(64):016x}"}},
        fields=["full_name", "email"] if found else [], ip=ip)


def _day(trail: Trail, p: Person, day: int, busy: bool, team_of: dict):
    rng = trail.rng
    if not _works(p, day):
        return
    start = p.shift + rng.gauss(0, 0.35)
    end = start + p.length + rng.gauss(0, 0.4)
    lunch = start + rng.uniform(3.5, 4.5)
    at_home = rng.random() < 0.3
    hotel = rng.random() < 0.02
    ip = (f"203.0.{rng.randrange(256)}.{rng.randrange(1, 255)}" if hotel
          else p.home if at_home else p.office)
    if rng.random() < 0.03:
        p.version += 1  # the browser updated itself
    t = _local(p, day, start)
    trail.add(t, p, "auth.login", "agent", p.user_id, ip=ip)
    hour = start
    last_list = -9.0
    while hour < end:
        if lunch <= hour < lunch + 0.9:
            hour = lunch + 0.9 + rng.uniform(0, 0.2)
            continue
        now = _local(p, day, hour)
        if hour - last_list > 0.8:
            queue = [trail.customer() for _ in range(rng.randrange(5, 25))]
            trail.add(now, p, "ticket.list", "ticket", fields=["full_name"],
                      ctx={"ids": [rng.randrange(10**5) for _ in queue], "customers": queue},
                      ip=ip)
            last_list = hour
        roll = rng.random()
        if roll < 0.05:  # a caller looked up, usually given a ticket
            c = trail.customer()
            _search(trail, p, now, [c], ip=ip)
            trail.add(now + dt.timedelta(seconds=30), p, "customer.view", "customer", c,
                      fields=["full_name"], ip=ip)
            if rng.random() < 0.8:
                trail.ticket_id += 1
                trail.add(now + dt.timedelta(minutes=3), p, "ticket.create", "ticket",
                          trail.ticket_id, ctx={"customer": c, "attachments": 0}, ip=ip)
        elif roll < 0.075:  # a colleague's customer, during a hand-over
            mates = [q for q in team_of[p.team] if q is not p and q.handled]
            c = rng.choice(rng.choice(mates).handled[-40:]) if mates and rng.random() < 0.8 \
                else trail.customer()  # now and then a customer nobody had a ticket for
            trail.add(now, p, "customer.view", "customer", c, fields=["full_name"], ip=ip)
        elif roll < 0.09 and p.handled:  # a customer they had a ticket for
            trail.add(now, p, "customer.view", "customer", rng.choice(p.handled[-200:]),
                      fields=["full_name"], ip=ip)
        elif roll < 0.093 and p.role in ("senior_agent", "supervisor"):
            trail.add(now, p, "customer.verification_override", "customer", trail.customer(),
                      reason="verified by phone call-back", ctx={"actions": ["update"]}, ip=ip)
        else:
            c = rng.choice(p.handled[-300:]) if p.handled and rng.random() < 0.2 \
                else trail.customer()
            _ticket(trail, p, now, c, ip=ip)
        if p.role == "billing" and rng.random() < 0.08:
            trail.add(now, p, "report.export", "report", ctx={"start": "", "end": ""}, ip=ip)
            for _ in range(rng.randrange(0, 4)):
                trail.add(now, p, "attachment.download", "attachment", rng.randrange(10**6),
                          ctx={"customer": trail.customer()}, ip=ip)
        rate = p.rate * (2.2 if busy and 10 <= hour <= 14 else 1)
        hour += rng.expovariate(rate)
    trail.add(_local(p, day, hour), p, "auth.logout", "agent", p.user_id, ip=ip)
    # On call: some nights bring a few urgent tickets.
    week = day // 7
    if week in p.oncall_weeks and rng.random() < 0.45:
        night = rng.uniform(22, 28.5)
        t = _local(p, day, night)
        trail.add(t, p, "auth.login", "agent", p.user_id, ip=p.home)
        for _ in range(rng.choice([1, 1, 2, 3, 5, 7])):
            t = _ticket(trail, p, t + dt.timedelta(minutes=rng.uniform(1, 15)),
                        trail.customer(), reply=0.95, ip=p.home)


ADMIN = {"kind": "agent", "label": "admin.00@trustdesk.example", "user_id": 2,
         "token_id": None}


def _admin(trail: Trail, at: dt.datetime, action: str, p: Person, *, ctx, fields):
    trail.add(at, None, action, "agent", p.user_id, ctx=ctx, fields=fields, actor=ADMIN,
              ip="10.9.0.2", ua=BROWSERS[0].format(v=128))


def month(seed: int, plant=SCENARIOS) -> tuple[list[str], dict, list[Person]]:
    """The month's export lines, the planted scenarios ({name: (label, first, last)}),
    and the people (for the configuration a deployment would hold)."""
    rng = random.Random(seed)
    trail = Trail(rng)
    staff = people(rng)
    for p in staff:
        _admin(trail, dt.datetime.combine(START, dt.time(6), dt.UTC) - dt.timedelta(days=60),
               "agent.create", p, ctx={"role": p.role}, fields=[])
    free = [p for p in staff if p.role in ("agent", "senior_agent") and not p.off
            and p.first_day == 0]
    rng.shuffle(free)
    chosen = dict(zip(plant, free, strict=False))
    # Ordinary changes: a promotion, a role reduced, a colleague leaving quietly.
    quiet = [p for p in staff if p not in chosen.values() and p.first_day == 0]
    promoted, reduced, leaving = rng.sample(quiet, 3)
    d = rng.randrange(8, 25)
    _admin(trail, _local(promoted, d, 16), "agent.update", promoted,
           ctx={"role": "senior_agent", "is_active": True}, fields=["role"])
    if reduced.role == "senior_agent":
        _admin(trail, _local(reduced, d + 2, 16), "agent.update", reduced,
               ctx={"role": "agent", "is_active": True}, fields=["role"])
    leaving.last_day = d + 3
    _admin(trail, _local(leaving, d + 3, 9), "agent.update", leaving,
           ctx={"role": leaving.role, "is_active": False}, fields=["is_active"])
    planted = {}
    dormant = chosen.get("dormant")
    if dormant:  # silent after its first days: the person moved on, the account stayed
        dormant.last_day = rng.randrange(2, 5)
    busy = {team: rng.randrange(DAYS) for team in TEAMS}
    team_of = {team: [p for p in staff if p.team == team] for team in TEAMS}
    for day in range(DAYS):
        for p in staff:
            _day(trail, p, day, busy[p.team] == day, team_of)
    for name, p in chosen.items():
        planted[name] = (p.label, *globals()[f"_plant_{name}"](trail, p))
    return trail.lines(), planted, staff


def _work_days(p: Person, first: int, last: int) -> list[int]:
    return [d for d in range(first, last) if _works(p, d)]


def _plant_snooper(trail: Trail, p: Person):
    rng = trail.rng
    first = rng.randrange(5, 16)
    days = _work_days(p, first, min(DAYS, first + rng.randrange(10, 20)))
    times = []
    for d in days:
        for _ in range(rng.randrange(2, 6)):
            at = _local(p, d, p.shift + rng.uniform(0.5, p.length - 0.5))
            c = trail.customer()
            if rng.random() < 0.25:
                _search(trail, p, at - dt.timedelta(seconds=40), [c])
            action = "customer.reveal" if rng.random() < 0.2 else "customer.view"
            trail.add(at, p, action, "customer", c, fields=["address"] if action.endswith(
                "reveal") else ["full_name", "email"], reason="checking details",
                ctx={"break_glass": False} if action.endswith("reveal") else {})
            times.append(at)
    return min(times), max(times)


def _plant_bulk_exporter(trail: Trail, p: Person):
    rng = trail.rng
    d = rng.choice(_work_days(p, 8, DAYS))
    at = _local(p, d, p.shift + rng.uniform(1, p.length - 2))
    first = at
    how = rng.choice(["exports", "downloads", "rows", "mixed"])
    if how in ("exports", "mixed"):
        for _ in range(rng.randrange(6, 30)):
            at += dt.timedelta(seconds=rng.uniform(10, 200))
            trail.add(at, p, rng.choice(["report.export", "processing_record.export"]),
                      "report", ctx={"start": "2026-01-01", "end": "2026-11-30"})
    if how in ("downloads", "mixed"):
        for _ in range(rng.randrange(40, 250)):
            at += dt.timedelta(seconds=rng.uniform(2, 40))
            trail.add(at, p, "attachment.download", "attachment", rng.randrange(10**6),
                      ctx={"ticket": rng.randrange(10**5), "customer": trail.customer()})
    if how in ("rows", "mixed"):
        for _ in range(rng.randrange(6, 30)):
            at += dt.timedelta(seconds=rng.uniform(5, 60))
            trail.add(at, p, "customer.list", "customer", fields=["full_name", "email"],
                      ctx={"ids": [trail.customer() for _ in range(100)], "match": []})
    return first, at


def _plant_off_hours_reader(trail: Trail, p: Person):
    rng = trail.rng
    nights = rng.sample(range(6, DAYS - 1), rng.randrange(2, 6))
    times = []
    for d in nights:
        at = _local(p, d, rng.uniform(22.5, 28))
        trail.add(at, p, "auth.login", "agent", p.user_id, ip=p.home)
        for _ in range(rng.randrange(8, 30)):
            at += dt.timedelta(seconds=rng.uniform(20, 300))
            c = rng.choice(p.handled) if p.handled and rng.random() < 0.3 else trail.customer()
            trail.add(at, p, "customer.view", "customer", c, fields=["full_name", "address"],
                      ip=p.home)
            times.append(at)
    return min(times), max(times)


def _plant_enumerator(trail: Trail, p: Person):
    rng = trail.rng
    d = rng.choice(_work_days(p, 5, DAYS))
    at = _local(p, d, p.shift + rng.uniform(1, p.length - 1.5))
    first = at
    how = rng.choice(["walk", "guess", "both"])
    if how in ("walk", "both"):
        for _ in range(rng.randrange(40, 150)):
            at += dt.timedelta(seconds=rng.uniform(5, 25))
            trail.add(at, p, "customer.view", "customer", trail.customer(),
                      fields=["full_name", "email"])
    if how in ("guess", "both"):
        for i in range(rng.randrange(15, 60)):
            at += dt.timedelta(seconds=rng.uniform(8, 40))
            hit = rng.random() < 0.15
            limited = i > 30 and rng.random() < 0.5
            trail.add(at, p, "customer.list", "customer", outcome="denied" if limited
                      else "allowed", ctx={"ids": [trail.customer()] if hit and not limited
                                           else [], "match": ["email"],
                                           "searched": {"email": f"{rng.getrandbits(64):016x}"},
                                           **({"rate_limited": True} if limited else {})})
    return first, at


def _plant_dormant(trail: Trail, p: Person):
    rng = trail.rng
    d = rng.randrange(max(p.last_day + 22, 26), DAYS)
    ip = f"198.51.{rng.randrange(256)}.{rng.randrange(1, 255)}" if rng.random() < 0.7 \
        else p.office
    at = _local(p, d, rng.uniform(0, 23))
    first = at
    trail.add(at, p, "auth.login", "agent", p.user_id, ip=ip)
    for _ in range(rng.randrange(20, 120)):
        at += dt.timedelta(seconds=rng.uniform(10, 240))
        if rng.random() < 0.2:
            _search(trail, p, at, [trail.customer()], ip=ip)
        else:
            trail.add(at, p, "customer.view", "customer", trail.customer(),
                      fields=["full_name", "email"], ip=ip)
    return first, at


def _plant_leaver(trail: Trail, p: Person):
    rng = trail.rng
    leave = rng.randrange(18, DAYS - 1)
    p.last_day = leave
    # The ordinary work after leaving was already generated: drop it.
    cutoff = _local(p, leave, 0)
    trail.rows = [r for r in trail.rows if not (r[1]["actor"]["label"] == p.label
                                                and r[0] >= cutoff)]
    days = _work_days(p, leave - rng.randrange(4, 11), leave)
    times = []
    for d in days:
        for _ in range(rng.randrange(40, 140)):
            at = _local(p, d, p.shift + rng.uniform(0.3, p.length))
            trail.add(at, p, "customer.view", "customer", trail.customer(),
                      fields=["full_name", "email", "address"])
            times.append(at)
        if rng.random() < 0.5:
            at = _local(p, d, p.shift + rng.uniform(1, p.length))
            for _ in range(rng.randrange(1, 5)):
                trail.add(at, p, "report.export", "report", ctx={"start": "", "end": ""})
            for _ in range(rng.randrange(5, 40)):
                at += dt.timedelta(seconds=rng.uniform(5, 60))
                trail.add(at, p, "attachment.download", "attachment", rng.randrange(10**6),
                          ctx={"customer": trail.customer()})
            times.append(at)
    gone = _local(p, leave, 17)
    _admin(trail, gone, "agent.update", p, ctx={"role": p.role, "is_active": False},
           fields=["is_active"])
    if rng.random() < 0.4:  # an API token or a session left open
        t = gone + dt.timedelta(hours=rng.uniform(1, 30))
        trail.add(t, p, "customer.view", "customer", trail.customer(), fields=["full_name"])
        times.append(t)
    return min(times), max([*times, gone])


def config(staff: list[Person]) -> str:
    """The YAML a deployment would hold: business hours, teams and who is who."""
    lines = ["business_hours:", '  start: "08:00"', '  end: "18:00"',
             "  days: [mon, tue, wed, thu, fri]", "  timezone: Europe/Paris",
             "  per_person: true", "teams:"]
    lines += [f"  {t}: {{timezone: {tz}}}" for t, (tz, *_) in TEAMS.items()]
    lines.append("people:")
    lines += [f"  {p.label}: {{role: {p.role}, team: {p.team}}}" for p in staff]
    return "\n".join(lines) + "\n"
