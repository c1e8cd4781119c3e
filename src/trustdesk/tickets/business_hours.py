"""Business-hours arithmetic, pure (no Django): when a target of N working minutes
falls due from a moment, and how many working minutes lie between two moments, in a
team's time zone, weekly schedule and holidays.

A schedule is ``{"mon": [["09:00", "17:00"]], ...}`` (weekday → opening intervals, local
time, end after start, an interval may end at "24:00"); holidays are local dates on
which the team is closed. Daylight-saving changes are handled by working in local wall
time per day and converting each interval's ends to UTC.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")
MAX_DAYS = 3 * 366  # a target further off than this is refused, not looped over
# Openings per day and their shortest length: a week of one-minute openings would make
# every ticket's targets walk hundreds of thousands of them.
MAX_SPANS = 6
MIN_SPAN_MINUTES = 15


class HoursError(ValueError):
    """A schedule, holiday list or time zone that cannot be used."""


def _minutes(text: str) -> int:
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise HoursError(f"{text!r} is not a time of day (HH:MM).")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Hours:
    zone: str = "UTC"
    # weekday index (0 = Monday) → ((start minute, end minute), ...) sorted, disjoint
    week: tuple[tuple[tuple[int, int], ...], ...] = field(
        default_factory=lambda: tuple(() for _ in DAYS))
    holidays: frozenset[dt.date] = frozenset()
    always: bool = False  # around the clock: calendar time

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


ALWAYS = Hours(always=True)


def parse(zone: str, schedule: dict, holidays=()) -> Hours:
    """Hours from stored settings; raises HoursError with a reason a person can act on."""
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"{zone!r} is not a time zone (for example Europe/London).") from None
    if not isinstance(schedule, dict) or set(schedule) - set(DAYS):
        raise HoursError(f"The schedule names days as {', '.join(DAYS)}.")
    week = []
    for day in DAYS:
        spans = []
        for span in schedule.get(day) or ():
            if not isinstance(span, (list, tuple)) or len(span) != 2:
                raise HoursError(f"{day}: each opening is [start, end].")
            start, end = _minutes(span[0]), _minutes(span[1])
            if end <= start:
                raise HoursError(f"{day}: {span[1]} is not after {span[0]}.")
            if end - start < MIN_SPAN_MINUTES:
                raise HoursError(f"{day}: an opening lasts at least {MIN_SPAN_MINUTES} "
                                 "minutes.")
            spans.append((start, end))
        if len(spans) > MAX_SPANS:
            raise HoursError(f"{day}: at most {MAX_SPANS} openings a day.")
        spans.sort()
        if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
            raise HoursError(f"{day}: the openings overlap.")
        week.append(tuple(spans))
    days = set()
    for text in holidays or ():
        try:
            days.add(dt.date.fromisoformat(str(text)))
        except ValueError:
            raise HoursError(f"{text!r} is not a date (YYYY-MM-DD).") from None
    if not any(week):
        raise HoursError("The schedule has no opening hours at all.")
    return Hours(zone=str(zone), week=tuple(week), holidays=frozenset(days))


def _open_spans(hours: Hours, day: dt.date):
    """The day's openings as aware UTC (start, end) pairs."""
    if day in hours.holidays:
        return
    tz = hours.tz
    for start, end in hours.week[day.weekday()]:
        local = dt.datetime.combine(day, dt.time())
        a = (local + dt.timedelta(minutes=start)).replace(tzinfo=tz)
        b = (local + dt.timedelta(minutes=end)).replace(tzinfo=tz)
        yield a.astimezone(dt.UTC), b.astimezone(dt.UTC)


def add(hours: Hours, start: dt.datetime, minutes: int) -> dt.datetime:
    """The moment ``minutes`` working minutes after ``start`` (aware)."""
    if minutes < 0:
        raise HoursError("A target is a number of minutes from now.")
    if hours.always:
        return start + dt.timedelta(minutes=minutes)
    left = dt.timedelta(minutes=minutes)
    day = start.astimezone(hours.tz).date()
    for _ in range(MAX_DAYS):
        for a, b in _open_spans(hours, day):
            if b <= start:
                continue
            a = max(a, start)
            if b - a >= left:
                return a + left
            left -= b - a
        day += dt.timedelta(days=1)
    raise HoursError("The target lies more than three years of opening hours away.")


def between(hours: Hours, a: dt.datetime, b: dt.datetime) -> float:
    """Working minutes from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
    if b <= a:
        return 0.0
    if hours.always:
        return (b - a).total_seconds() / 60
    total = dt.timedelta()
    day = a.astimezone(hours.tz).date()
    last = b.astimezone(hours.tz).date()
    for _ in range(MAX_DAYS):
        if day > last:
            break
        for s, e in _open_spans(hours, day):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 60
