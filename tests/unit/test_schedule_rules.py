"""Schedule validation shared by every door: clear errors per field."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.domain.schedule import RevealMode, parse_schedule
from bot.errors import FieldErrors

DOMAINS = ["D1", "D2"]


def errors_of(values: dict[str, object]) -> dict[str, str]:
    with pytest.raises(FieldErrors) as raised:
        parse_schedule(values, DOMAINS)
    return raised.value.errors


def test_a_full_schedule_parses() -> None:
    s = parse_schedule(
        {
            "days": "mon,wed,fri",
            "time": "09:30",
            "timezone": "Europe/Berlin",
            "window": "90m",
            "reveal_mode": "at_close_with_feedback",
            "focus_domain": "D2",
            "start_date": "2026-01-05",
            "end_date": "2026-06-30",
            "skip_dates": "2026-04-03, 2026-04-06",
        },
        DOMAINS,
    )
    assert s.days == {0, 2, 4}
    assert s.local_time == time(9, 30)
    assert s.window == timedelta(minutes=90)
    assert s.reveal_mode is RevealMode.AT_CLOSE_WITH_FEEDBACK
    assert s.skip_dates == {date(2026, 4, 3), date(2026, 4, 6)}


def test_defaults_weekdays_and_eight_hours() -> None:
    s = parse_schedule({"days": "weekdays", "time": "8:05", "timezone": "UTC"}, DOMAINS)
    assert s.days == {0, 1, 2, 3, 4}
    assert s.window == timedelta(hours=8)
    assert s.reveal_mode is RevealMode.AT_CLOSE


def test_unknown_time_zone_names_the_field_and_suggests() -> None:
    errors = errors_of({"days": "mon", "time": "09:00", "timezone": "Berlin"})
    assert (
        errors["timezone"] == "unknown time zone 'Berlin'; use an IANA name such as Europe/Berlin"
        " (did you mean Europe/Berlin?)"
    )


@pytest.mark.parametrize("bad", ["25:00", "9.30", "noon", "12:60"])
def test_impossible_times_are_refused(bad: str) -> None:
    assert (
        "is not a time of day; use 24-hour HH:MM"
        in errors_of({"days": "mon", "time": bad, "timezone": "UTC"})["time"]
    )


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_of(
        {"days": "funday", "window": "2m", "focus_domain": "D9", "end_date": "2026-13-01"}
    )
    assert set(errors) == {"days", "time", "timezone", "window", "focus_domain", "end_date"}
    assert "unknown day 'funday'" in errors["days"]
    assert errors["window"] == "must be between 5 minutes and 7 days"
    assert errors["focus_domain"] == "unknown domain 'D9'; use one of D1, D2"


def test_window_and_closing_time_are_exclusive() -> None:
    errors = errors_of(
        {"days": "mon", "time": "09:00", "timezone": "UTC", "window": "1h", "closes_at": "17:00"}
    )
    assert errors == {"window": "give either a window or a closing time, not both"}


def test_end_before_start_is_refused() -> None:
    errors = errors_of(
        {
            "days": "mon",
            "time": "09:00",
            "timezone": "UTC",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        }
    )
    assert errors == {"end_date": "is before the start date"}
