"""Schedule validation shared by every door: clear errors per field."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.domain.schedule import RevealMode, parse_schedule, schedule_fields
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


@pytest.mark.parametrize("word", ["monkey", "frisbee", "sunshine", "mo", "satx"])
def test_words_that_only_start_like_a_day_are_refused(word: str) -> None:
    errors = errors_of({"days": f"wed,{word}", "time": "09:00", "timezone": "UTC"})
    assert errors["days"] == (
        f"unknown day {word!r}; use mon, tue, wed, thu, fri, sat, sun (or full names), "
        "weekdays or daily"
    )


@pytest.mark.parametrize(
    ("text", "day"), [("Monday", 0), ("tues", 1), ("thurs", 3), ("saturday", 5), ("sun", 6)]
)
def test_full_and_shortened_day_names_are_read(text: str, day: int) -> None:
    assert parse_schedule({"days": text, "time": "09:00", "timezone": "UTC"}, DOMAINS).days == {day}


def test_a_digest_day_must_be_a_real_day() -> None:
    errors = errors_of({"days": "mon", "time": "09:00", "timezone": "UTC", "digest": "monkey"})
    assert errors == {"digest": "'monkey' is not a day; use mon … sun, or off"}


@pytest.mark.parametrize("bare", ["8", "45", " 90 "])
def test_a_window_without_a_unit_is_refused_with_both_readings(bare: str) -> None:
    errors = errors_of({"days": "mon", "time": "09:00", "timezone": "UTC", "window": bare})
    n = bare.strip()
    assert errors == {
        "window": f"{bare!r} has no unit; write {n}m for {n} minutes or {n}h for {n} hours"
    }


@pytest.mark.parametrize(("text", "minutes"), [("45m", 45), ("8h", 480), ("1h30m", 90)])
def test_windows_with_units_are_read(text: str, minutes: int) -> None:
    values = {"days": "mon", "time": "09:00", "timezone": "UTC", "window": text}
    assert parse_schedule(values, DOMAINS).window == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("Europe/Berln", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New_Yrok", "America/New_York"),
        ("Asia/Tokio", "Asia/Tokyo"),
    ],
)
def test_time_zone_typos_get_a_suggestion(typo: str, meant: str) -> None:
    errors = errors_of({"days": "mon", "time": "09:00", "timezone": typo})
    assert errors["timezone"].endswith(f"(did you mean {meant}?)")


def test_a_zone_far_from_any_name_gets_no_guess() -> None:
    errors = errors_of({"days": "mon", "time": "09:00", "timezone": "Mars/Olympus_Mons"})
    assert "did you mean" not in errors["timezone"]


@pytest.mark.parametrize(
    "values",
    [
        {"days": "mon,wed,fri", "time": "09:30", "timezone": "Europe/Berlin", "window": "1d2h30m",
         "reveal_mode": "at_close_with_feedback", "focus_domain": "D2",
         "start_date": "2026-01-05", "end_date": "2026-03-01",
         "skip_dates": "2026-02-02,2026-01-12", "digest": "fri"},
        {"days": "weekdays", "time": "7:05", "timezone": "UTC", "closes_at": "17:00",
         "digest": "off"},
    ],
)  # fmt: skip
def test_a_schedules_fields_read_back_as_the_same_schedule(values: dict[str, object]) -> None:
    """Every door's form is filled with these words; parsing them gives the schedule back."""
    schedule = parse_schedule(values, DOMAINS)
    fields = schedule_fields(schedule)
    assert parse_schedule(fields, DOMAINS) == schedule
    assert fields["skip_dates"].split(",") == sorted(fields["skip_dates"].split(","))
    if schedule.closes_at is not None:
        assert (fields["window"], fields["closes_at"]) == ("", "17:00")
    else:
        assert (fields["window"], fields["digest"]) == ("1d2h30m", "fri")
