"""What every detector is, what it produces, and the robust statistics they share.

A detector is a small class: a ``name``, an ``explanation`` in plain words, ``params``
with their defaults (each one overridable from YAML), and ``run(world)`` returning
alerts. Alerts of one detector about one person that are close in time are merged into
one (``merge``): one alert per person, per detector, per window."""

from __future__ import annotations

import abc
import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from trustdesk.insider.detect.events import Event

if TYPE_CHECKING:
    from trustdesk.insider.detect.world import World

MAX_EVIDENCE = 25


@dataclass(frozen=True, slots=True)
class Param:
    default: int | float | bool | str
    help: str

    def coerce(self, value):
        """``value`` as this parameter's type, or ValueError."""
        kind = type(self.default)
        if kind is bool:
            if isinstance(value, bool):
                return value
            raise ValueError("expected true or false")
        if kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"expected a number, got {value!r}")
            if value < 0:
                raise ValueError("must not be negative")
            return kind(value) if kind is float or float(value).is_integer() else float(value)
        return str(value)


@dataclass(slots=True)
class Alert:
    detector: str
    actor: str
    score: int
    first_at: dt.datetime
    last_at: dt.datetime
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (event ref, words)
    more: int = 0  # evidence lines left off

    def as_json(self) -> dict:
        evidence = [{"event": ref, "what": what} for ref, what in self.evidence]
        if self.more:
            evidence.append({"event": None, "what": f"and {self.more} more events like these"})
        return {"detector": self.detector, "actor": self.actor, "score": self.score,
                "first_at": _iso(self.first_at), "last_at": _iso(self.last_at),
                "evidence": evidence}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def alert(detector: str, actor: str, score: float, lines: Iterable[tuple[Event, str]],
          *, summary: str | None = None) -> Alert:
    """An alert over ``lines`` (each an event and what it shows), its first and last
    times those of the events; ``summary`` leads the evidence when given."""
    lines = sorted(lines, key=lambda p: (p[0].at, p[0].line))
    out = Alert(detector=detector, actor=actor, score=max(0, min(100, round(score))),
                first_at=lines[0][0].at, last_at=lines[-1][0].at)
    seen = set()
    if summary:
        out.evidence.append(("", summary))
    for event, what in lines:
        if event.ref in seen:
            continue
        seen.add(event.ref)
        if len(out.evidence) < MAX_EVIDENCE:
            out.evidence.append((event.ref, what))
        else:
            out.more += 1
    return out


def merge(alerts: list[Alert], *, gap: dt.timedelta) -> list[Alert]:
    """Alerts of one detector about one person less than ``gap`` apart become one: the
    highest score, the union of the evidence."""
    out: list[Alert] = []
    last: dict[tuple[str, str], Alert] = {}
    for a in sorted(alerts, key=lambda a: (a.detector, a.actor, a.first_at)):
        key = (a.detector, a.actor)
        cur = last.get(key)
        if cur is not None and a.first_at - cur.last_at <= gap:
            cur.score = max(cur.score, a.score)
            cur.last_at = max(cur.last_at, a.last_at)
            refs = {r for r, _ in cur.evidence}
            for ref, what in a.evidence:
                if ref and ref in refs:
                    continue
                if not ref and any(w == what for _, w in cur.evidence):
                    continue
                if len(cur.evidence) < MAX_EVIDENCE:
                    cur.evidence.append((ref, what))
                else:
                    cur.more += 1
            cur.more += a.more
            continue
        last[key] = a
        out.append(a)
    return out


class Detector(abc.ABC):
    """One detector: a name, its explanation in plain words, its parameters, and
    ``run``, which every detector defines (an abstract method: a class without one
    cannot be made, so no detector silently finds nothing)."""

    name: ClassVar[str]
    explanation: ClassVar[str]
    params: ClassVar[dict[str, Param]] = {}

    def __init__(self, **overrides) -> None:
        self.p = {k: p.default for k, p in self.params.items()}
        for key, value in overrides.items():
            if key not in self.params:
                raise KeyError(key)
            self.p[key] = self.params[key].coerce(value)

    @abc.abstractmethod
    def run(self, world: World) -> list[Alert]:
        """The alerts this detector raises over ``world``'s events."""

    def __repr__(self) -> str:
        return f"<detector {self.name}>"


# Robust statistics: the median and the median absolute deviation are not moved by the
# few outliers a baseline must not learn from (a burst, an attack).
def median(values) -> float:
    return statistics.median(values) if values else 0.0


def mad(values, centre: float | None = None) -> float:
    if not values:
        return 0.0
    centre = median(values) if centre is None else centre
    return statistics.median(abs(v - centre) for v in values)


def robust_z(value: float, values, *, floor: float = 1.0) -> float:
    """How far ``value`` lies above the bulk of ``values``, in robust standard
    deviations (1.4826 × MAD), the spread never taken below ``floor``, a fifth of the
    median, nor the square root of the median (the chance spread of a count) — so a
    quiet baseline does not turn every small count into a surprise."""
    centre = median(values)
    spread = max(1.4826 * mad(values, centre), 0.2 * centre, math.sqrt(max(centre, 0)), floor)
    return (value - centre) / spread
