"""The one schedule form every door renders: its fields, initial values, choices and errors."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.domain.exam import Domain
from bot.domain.schedule import RevealMode, Schedule, parse_schedule, schedule_fields
from bot.domain.schedule_form import (
    ALL_DOMAINS,
    FIELD_NAMES,
    NOT_SAVED,
    FieldKind,
    FormField,
    ScheduleForm,
    schedule_form,
    submitted_fields,
)

DOMAINS = [Domain("D1", "Pipelines", 10, 15, ()), Domain("D2", "Security", 10, 15, ())]
STORED = Schedule(
    days=frozenset({0, 2}),
    local_time=time(7, 15),
    timezone="Asia/Tokyo",
    window=None,
    closes_at=time(17),
    reveal_mode=RevealMode.AT_CLOSE_WITH_FEEDBACK,
    focus_domain="D2",
    active=False,
    start_date=date(2026, 3, 1),
    skip_dates=frozenset({date(2026, 4, 1), date(2026, 4, 3)}),
    digest_weekday=4,
)


def field(form: ScheduleForm, name: str) -> FormField:
    (found,) = [f for f in form.fields if f.name == name]
    return found


def values(form: ScheduleForm) -> dict[str, str]:
    return {f.name: f.value for f in form.fields}


def test_the_form_has_every_field_the_core_reads_and_writes() -> None:
    form = schedule_form(None, DOMAINS, "UTC")
    assert tuple(f.name for f in form.fields) == FIELD_NAMES
    assert set(schedule_fields(STORED)) | {"active"} == set(FIELD_NAMES)
    assert [f.kind for f in form.fields][:3] == [FieldKind.DAYS, FieldKind.TIME, FieldKind.TEXT]
    assert all(f.label for f in form.fields)
    assert not form.failed


def test_a_stored_schedule_fills_the_form() -> None:
    shown = values(schedule_form(STORED, DOMAINS, "UTC"))
    assert shown == schedule_fields(STORED) | {"active": "off"}
    form = schedule_form(STORED, DOMAINS, "UTC")
    assert field(form, "days").selected == ("mon", "wed")
    assert field(form, "focus_domain").selected == ("D2",)
    assert field(form, "digest").selected == ("fri",)
    assert field(form, "active").selected == ()


def test_a_new_schedule_offers_weekdays_at_nine_for_eight_hours() -> None:
    form = schedule_form(None, DOMAINS, "America/Chicago")
    assert values(form) == {
        "days": "mon,tue,wed,thu,fri",
        "time": "09:00",
        "timezone": "America/Chicago",
        "window": "8h",
        "closes_at": "",
        "reveal_mode": "at_close",
        "focus_domain": ALL_DOMAINS,
        "active": "on",
        "start_date": "",
        "end_date": "",
        "skip_dates": "",
        "digest": "mon",
    }
    assert field(form, "active").selected == ("on",)


def test_the_choices_name_every_reveal_mode_domain_and_digest_day() -> None:
    form = schedule_form(None, DOMAINS, "UTC")
    reveal = field(form, "reveal_mode").choices
    assert [c.value for c in reveal] == [m.value for m in RevealMode]
    assert reveal[0].label == "Reveal the answer to everyone when the question closes"
    focus = field(form, "focus_domain").choices
    assert [(c.value, c.label) for c in focus] == [
        (ALL_DOMAINS, "All domains (weighted by the exam)"),
        ("D1", "D1 Pipelines"),
        ("D2", "D2 Security"),
    ]
    digest = field(form, "digest").choices
    assert [c.value for c in digest] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "off"]
    assert (digest[0].label, digest[-1].label) == ("Monday", "No digest")
    assert [c.label for c in field(form, "days").choices][:2] == ["Mon", "Tue"]


def test_a_failed_submit_shows_what_was_typed_with_the_errors_on_their_fields() -> None:
    typed = {"days": "someday", "window": "3m", "focus_domain": None, "active": False}
    errors = {"days": "unknown day 'someday'", "window": "must be between", "nonsense": "x"}
    form = schedule_form(STORED, DOMAINS, "UTC", typed, errors)
    assert form.failed
    assert field(form, "days").value == "someday"
    assert field(form, "days").error == "unknown day 'someday'"
    assert field(form, "days").error_line == "Days: unknown day 'someday'"
    assert field(form, "window").error_line == "Answer window: must be between"
    assert field(form, "time").value == "07:15"  # not submitted: the stored value
    assert field(form, "time").error == ""
    assert field(form, "focus_domain").value == ALL_DOMAINS
    assert field(form, "active").value == "off"
    assert form.other_errors == ("nonsense: x",)
    assert NOT_SAVED.startswith("The schedule was not saved")


def test_a_field_shown_as_text_says_what_to_type() -> None:
    form = schedule_form(None, DOMAINS, "UTC")
    assert field(form, "time").text_hint.startswith("24-hour HH:MM — ")
    assert field(form, "days").text_hint.startswith("mon,wed,fri · weekdays · daily")
    assert field(form, "reveal_mode").text_hint == "at_close · at_close_with_feedback"
    assert field(form, "timezone").text_hint == field(form, "timezone").hint


def test_submitted_fields_read_back_into_the_schedule() -> None:
    form = schedule_form(STORED, DOMAINS, "UTC")
    submitted = submitted_fields(values(form) | {"ignored": "x"})
    assert "ignored" not in submitted
    assert submitted["active"] is False
    assert parse_schedule(submitted, ["D1", "D2"]) == STORED


def test_submitted_fields_read_each_doors_switch_days_and_all_domains() -> None:
    assert submitted_fields({"active": ["on"]}) == {"active": True}  # Slack's ticked box
    assert submitted_fields({"active": []}) == {"active": False}
    assert submitted_fields({"active": "on"}) == {"active": True}  # Teams' toggle
    assert submitted_fields({"active": "off"}) == {"active": False}
    assert submitted_fields({"days": []}) == {"days": None}  # the core says it is required
    assert submitted_fields({"focus_domain": "all"}) == {"focus_domain": None}
    assert submitted_fields({"focus_domain": "any"}) == {"focus_domain": None}
    assert submitted_fields({}) == {}
    schedule = parse_schedule(
        submitted_fields({"days": ["tue"], "time": "08:00", "timezone": "UTC", "digest": "off"}),
        [],
    )
    assert (schedule.window, schedule.digest_weekday) == (timedelta(hours=8), None)
