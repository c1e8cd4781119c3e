"""Business-hours arithmetic: targets over nights, weekends, holidays, split days and a
daylight-saving change; the settings refused with their reason."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from trustdesk.tickets import business_hours as bh

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def at(*args, tz=LONDON):
    return dt.datetime(*args, tzinfo=tz)


@pytest.fixture
def office():
    return bh.parse("Europe/London", WEEKDAYS, holidays=["2026-12-25"])


@pytest.mark.parametrize("start, minutes, due", [
    (at(2026, 12, 1, 10, 0), 60, at(2026, 12, 1, 11, 0)),          # within the day
    (at(2026, 12, 1, 16, 30), 60, at(2026, 12, 2, 9, 30)),         # over the night
    (at(2026, 12, 1, 20, 0), 30, at(2026, 12, 2, 9, 30)),          # after hours
    (at(2026, 12, 4, 16, 0), 120, at(2026, 12, 7, 10, 0)),         # over a weekend
    (at(2026, 12, 24, 16, 0), 120, at(2026, 12, 28, 10, 0)),       # Christmas, weekend
    (at(2026, 12, 1, 9, 0), 8 * 60, at(2026, 12, 1, 17, 0)),       # a whole day exactly
    (at(2026, 12, 1, 10, 0), 0, at(2026, 12, 1, 10, 0)),
])
def test_add(office, start, minutes, due):
    assert bh.add(office, start, minutes) == due


def test_between_is_the_inverse_of_add(office):
    start = at(2026, 12, 3, 15, 17)
    for minutes in (1, 59, 600, 2_400, 10_000):
        assert bh.between(office, start, bh.add(office, start, minutes)) == pytest.approx(
            minutes)
    assert bh.between(office, at(2026, 12, 5, 10), at(2026, 12, 6, 18)) == 0  # a weekend


def test_a_daylight_saving_change_keeps_local_opening_hours():
    hours = bh.parse("Europe/London", {"sun": [["09:00", "17:00"]],
                                       "mon": [["09:00", "17:00"]]})
    # Clocks went forward at 01:00 UTC on Sunday 29 March 2026: 09:00 local is 08:00 UTC.
    due = bh.add(hours, dt.datetime(2026, 3, 28, 12, tzinfo=dt.UTC), 60)
    assert due == dt.datetime(2026, 3, 29, 9, tzinfo=dt.UTC)


def test_split_days_and_around_the_clock():
    hours = bh.parse("Asia/Shanghai", {"mon": [["13:00", "18:00"], ["09:00", "12:00"]]})
    start = dt.datetime(2026, 11, 30, 11, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # Monday
    assert bh.add(hours, start, 60) == start.replace(hour=13, minute=30)
    assert bh.add(bh.ALWAYS, start, 90) == start + dt.timedelta(minutes=90)
    assert bh.between(bh.ALWAYS, start, start + dt.timedelta(hours=2)) == 120


@pytest.mark.parametrize("zone, schedule, holidays, why", [
    ("Mars/Olympus", WEEKDAYS, (), "not a time zone"),
    ("UTC", {"monday": [["09:00", "17:00"]]}, (), "names days"),
    ("UTC", {"mon": [["17:00", "09:00"]]}, (), "not after"),
    ("UTC", {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, (), "overlap"),
    ("UTC", {"mon": [["9am", "5pm"]]}, (), "not a time of day"),
    ("UTC", {"mon": [["09:00"]]}, (), "start, end"),
    ("UTC", {}, (), "no opening hours"),
    ("UTC", {"mon": [["09:00", "09:10"]]}, (), "at least 15 minutes"),
    ("UTC", {"mon": [[f"{h:02d}:00", f"{h:02d}:30"] for h in range(7)]}, (), "at most 6"),
    ("UTC", WEEKDAYS, ["25/12/2026"], "not a date"),
])
def test_bad_settings(zone, schedule, holidays, why):
    with pytest.raises(bh.HoursError, match=why):
        bh.parse(zone, schedule, holidays)


def test_a_target_too_far_is_refused(office):
    with pytest.raises(bh.HoursError, match="three years"):
        bh.add(bh.parse("UTC", {"mon": [["09:00", "09:15"]]}), at(2026, 12, 1, 9), 200_000)
    with pytest.raises(bh.HoursError):
        bh.add(office, at(2026, 12, 1, 9), -5)
