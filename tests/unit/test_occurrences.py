"""Occurrences: exactly one per scheduled local day, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from bot.domain.occurrences import (
    closes_after,
    next_occurrences,
    occurrence_on,
    occurrences_between,
)
from bot.domain.schedule import Schedule

DAILY = frozenset(range(7))

# (zone, spring-forward day, fall-back day) in 2026
DST_DAYS = [
    ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ("Australia/Sydney", date(2026, 10, 4), date(2026, 4, 5)),
]


def schedule(tz: str, at: time, **kw: object) -> Schedule:
    return Schedule(days=DAILY, local_time=at, timezone=tz, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("tz", "spring", "fall"), DST_DAYS)
@pytest.mark.parametrize("at", [time(2, 30), time(9, 0), time(1, 30), time(3, 0)])
def test_one_occurrence_per_local_day_across_dst(
    tz: str, spring: date, fall: date, at: time
) -> None:
    s = schedule(tz, at)
    for day in (spring, fall):
        start = datetime.combine(day - timedelta(days=2), time(), tzinfo=UTC)
        found = occurrences_between(s, start, start + timedelta(days=5))
        days = [o.local_date for o in found]
        assert len(days) == len(set(days))
        assert day in days
        assert all(b.due_at > a.due_at for a, b in pairwise(found))


def test_missing_local_time_moves_past_the_gap() -> None:
    occ = occurrence_on(schedule("Europe/Berlin", time(2, 30)), date(2026, 3, 29))
    assert occ is not None
    assert occ.due_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_repeated_local_time_is_taken_once_at_its_first_occurrence() -> None:
    occ = occurrence_on(schedule("Europe/Berlin", time(2, 30)), date(2026, 10, 25))
    assert occ is not None
    assert occ.due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first one


def test_nine_o_clock_follows_the_wall_clock() -> None:
    s = schedule("America/New_York", time(9, 0))
    before = occurrence_on(s, date(2026, 3, 7))
    after = occurrence_on(s, date(2026, 3, 9))
    assert before is not None
    assert after is not None
    assert (before.due_at.hour, after.due_at.hour) == (14, 13)


def test_days_skip_dates_and_date_range() -> None:
    s = Schedule(
        days=frozenset({0, 2, 4}),
        local_time=time(9),
        timezone="UTC",
        start_date=date(2026, 3, 3),
        end_date=date(2026, 3, 20),
        skip_dates=frozenset({date(2026, 3, 9)}),
    )
    found = occurrences_between(
        s, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert [o.local_date.day for o in found] == [4, 6, 11, 13, 16, 18, 20]


def test_closing_time_and_window() -> None:
    by_window = occurrence_on(
        schedule("UTC", time(9), window=timedelta(minutes=90)), date(2026, 3, 4)
    )
    by_time = occurrence_on(
        schedule("Europe/Berlin", time(22), window=None, closes_at=time(8)), date(2026, 3, 4)
    )
    assert by_window is not None
    assert by_time is not None
    assert by_window.closes_at - by_window.due_at == timedelta(minutes=90)
    assert by_time.closes_at == datetime(
        2026, 3, 5, 7, 0, tzinfo=UTC
    )  # 08:00 next morning in Berlin


def test_next_occurrences_and_paused_schedules() -> None:
    s = schedule("UTC", time(9))
    nxt = next_occurrences(s, datetime(2026, 3, 4, 10, tzinfo=UTC), 2)
    assert [o.local_date.day for o in nxt] == [5, 6]
    paused = Schedule(days=DAILY, local_time=time(9), timezone="UTC", active=False)
    assert next_occurrences(paused, datetime(2026, 3, 4, tzinfo=UTC)) == []


def test_keys_are_per_schedule_and_local_date() -> None:
    occ = occurrence_on(schedule("UTC", time(9)), date(2026, 3, 4))
    assert occ is not None
    assert occ.key(7) == "schedule-7:2026-03-04"


def test_closes_after_uses_the_window_or_the_next_closing_time() -> None:
    by_window = schedule("UTC", time(9), window=timedelta(hours=2))
    opened = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)
    assert closes_after(by_window, opened) == opened + timedelta(hours=2)
    evening = schedule("Europe/Berlin", time(9), window=None, closes_at=time(18))
    assert closes_after(evening, opened) == datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    after_six = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)  # 18:30 in Berlin
    assert closes_after(evening, after_six) == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
