"""Small audit trails for the insider detectors' tests: a team doing ordinary,
ticket-driven work, and helpers to add what one person does on top of it. Records are
shaped as `trustdesk audit export --format jsonl` writes them."""

from __future__ import annotations

import datetime as dt
import json
import random

from trustdesk.insider.detect import config
from trustdesk.insider.detect.events import read_events
from trustdesk.insider.detect.registry import KNOWN, Registry

START = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)  # a Monday
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/{v}.0"
YAML = """
business_hours: {start: "08:00", end: "18:00", days: [mon, tue, wed, thu, fri], timezone: UTC}
teams:
  support: {timezone: UTC}
people:
""" + "".join(f"  agent{i}@example.org: {{role: agent, team: support}}\n" for i in range(8))


class Trail:
    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.records: list[dict] = []
        self.ticket = 100

    def add(self, at: dt.datetime, who: str, action: str, otype: str = "", oid="", *,
            ctx=None, outcome="allowed", fields=(), ip="10.0.0.5", ua=None,
            user_id=None) -> dict:
        n = len(self.records) + 1
        record = {"seq": n, "id": n, "uid": f"00000000-0000-4000-8000-{n:012d}",
                  "at": at.isoformat(timespec="microseconds"),
                  "actor": {"kind": "agent", "label": who,
                            "user_id": user_id or int(who[5:who.index("@")] or 0) + 10,
                            "token_id": None},
                  "action": action, "object": {"type": otype, "id": str(oid)},
                  "fields": list(fields), "outcome": outcome, "reason": "", "ip": ip,
                  "user_agent": UA.format(v=120) if ua is None else ua, "session": "",
                  "context": ctx or {}, "mac": "00"}
        self.records.append(record)
        return record

    def customer(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def ticket_work(self, at: dt.datetime, who: str, customer: str | None = None) -> str:
        customer = customer or self.customer()
        self.ticket += 1
        ctx = {"customer": customer}
        self.add(at, who, "ticket.view", "ticket", self.ticket, ctx=ctx)
        self.add(at + dt.timedelta(seconds=30), who, "customer.view", "customer", customer)
        self.add(at + dt.timedelta(minutes=4), who, "ticket.reply", "ticket", self.ticket,
                 ctx=ctx)
        return customer

    def normal(self, *, days: int = 21, agents: int = 8, skip: dict | None = None) -> Trail:
        """``agents`` people working 09:00-17:00 UTC on weekdays, about five tickets an
        hour each; ``skip`` {label: set of day numbers} they are away."""
        for day in range(days):
            date = START + dt.timedelta(days=day)
            if date.weekday() >= 5:
                continue
            for i in range(agents):
                who = f"agent{i}@example.org"
                if day in (skip or {}).get(who, ()):
                    continue
                t = date + dt.timedelta(hours=9, minutes=self.rng.uniform(0, 20))
                self.add(t, who, "auth.login", "agent", i + 10)
                end = date + dt.timedelta(hours=17)
                while t < end:
                    if date + dt.timedelta(hours=12) <= t < date + dt.timedelta(hours=13):
                        t = date + dt.timedelta(hours=13)
                    self.ticket_work(t, who)
                    t += dt.timedelta(minutes=self.rng.uniform(8, 16))
        return self

    def lines(self) -> list[str]:
        return [json.dumps(r) for r in sorted(self.records, key=lambda r: r["at"])]


def settings(extra: str = "", **kwargs):
    return config.load(YAML + extra, where="test.yaml", detectors=KNOWN, **kwargs)


def run(trail: Trail, *, only: str | None = None, extra: str = "", **kwargs) -> list[dict]:
    s = settings(extra, **kwargs)
    registry = (Registry([KNOWN[only](**s.detectors.get(only, {}))]) if only
                else Registry.from_settings(s))
    return [a.as_json() for a in registry.run(read_events(trail.lines()), s)]


def day(n: int, hour: float = 0) -> dt.datetime:
    return START + dt.timedelta(days=n, hours=hour)
