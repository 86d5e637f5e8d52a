"""The schedule form every door shows: its fields, their words, choices, values and errors."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import time
from enum import StrEnum

from bot.domain.exam import Domain
from bot.domain.schedule import DAY_NAMES, WEEKDAYS, RevealMode, Schedule, schedule_fields

ON, OFF = "on", "off"
ALL_DOMAINS = "all"  # the focus choice for every domain (a choice's value may not be empty)
OLD_ALL_DOMAINS = "any"  # the same choice in Slack modals opened before the shared form
DEFAULT_TIMEZONE = "UTC"  # a new schedule's zone where the door knows none of the person's
NOT_SAVED = "The schedule was not saved: please correct the fields marked below."


class FieldKind(StrEnum):
    TEXT = "text"
    TIME = "time"  # a time of day, HH:MM
    DATE = "date"  # YYYY-MM-DD
    DAYS = "days"  # any of the days of the week
    CHOICE = "choice"  # exactly one of the choices
    SWITCH = "switch"  # on or off; its one choice says what "on" means


TEXT_FORMATS = {
    FieldKind.TIME: "24-hour HH:MM",
    FieldKind.DATE: "YYYY-MM-DD",
    FieldKind.DAYS: "mon,wed,fri · weekdays · daily",
}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    name: str  # the name `parse_schedule` reads and `schedule_fields` writes
    kind: FieldKind
    label: str
    hint: str = ""
    choices: tuple[Choice, ...] = ()
    value: str = ""  # as text: days comma separated, a switch "on" or "off"
    error: str = ""  # the core's message when a submit failed

    @property
    def selected(self) -> tuple[str, ...]:
        """The values of the choices the field's value picks, in the choices' order."""
        words = set(re.split(r"[,\s]+", self.value.strip().lower()))
        return tuple(c.value for c in self.choices if c.value.lower() in words)

    @property
    def text_hint(self) -> str:
        """The hint for a door that shows this field as a text box: the format first."""
        typed = TEXT_FORMATS.get(self.kind) or " · ".join(c.value for c in self.choices)
        return " — ".join(part for part in (typed, self.hint) if part)

    @property
    def error_line(self) -> str:
        """The error as a line of its own, away from the field."""
        return f"{self.label}: {self.error}"


@dataclass(frozen=True)
class ScheduleForm:
    fields: tuple[FormField, ...]
    other_errors: tuple[str, ...] = ()  # errors no field shows, as lines
    title: str = "Study schedule"
    submit: str = "Save schedule"

    @property
    def failed(self) -> bool:
        return bool(self.other_errors) or any(f.error for f in self.fields)


DAY_CHOICES = tuple(Choice(d, d.capitalize()) for d in WEEKDAYS)
FIELDS = (
    FormField("days", FieldKind.DAYS, "Days", "The days a question is posted", DAY_CHOICES),
    FormField("time", FieldKind.TIME, "Time", "When it is posted, in the time zone below"),
    FormField("timezone", FieldKind.TEXT, "Time zone", "An IANA name such as Europe/Berlin"),
    FormField(
        "window",
        FieldKind.TEXT,
        "Answer window",
        "How long answers are open: 90m, 8h or 1d; empty for a closing time instead",
    ),
    FormField("closes_at", FieldKind.TIME, "Closes at", "Instead of a window: when answers close"),
    FormField(
        "reveal_mode",
        FieldKind.CHOICE,
        "Reveal",
        choices=(
            Choice(
                RevealMode.AT_CLOSE.value, "Reveal the answer to everyone when the question closes"
            ),
            Choice(
                RevealMode.AT_CLOSE_WITH_FEEDBACK.value,
                "Also tell each member privately at once if they were right",
            ),
        ),
    ),
    FormField("focus_domain", FieldKind.CHOICE, "Focus domain", "Which domain questions come from"),
    FormField(
        "active",
        FieldKind.SWITCH,
        "Status",
        choices=(Choice(ON, "Post questions on this schedule"),),
    ),
    FormField("start_date", FieldKind.DATE, "First day", "Optional: no questions before it"),
    FormField("end_date", FieldKind.DATE, "Last day", "Optional: no questions after it"),
    FormField(
        "skip_dates",
        FieldKind.TEXT,
        "Days to skip",
        "Dates without a question, YYYY-MM-DD, comma separated",
    ),
    FormField(
        "digest",
        FieldKind.CHOICE,
        "Weekly digest",
        "The day last week's leaderboard is posted",
        (
            *(Choice(d, n.capitalize()) for d, n in zip(WEEKDAYS, DAY_NAMES, strict=True)),
            Choice(OFF, "No digest"),
        ),
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def new_schedule(default_timezone: str) -> Schedule:
    """What the form offers for a channel without a schedule: weekdays at 09:00, 8 hours."""
    return Schedule(days=frozenset(range(5)), local_time=time(9), timezone=default_timezone)


def schedule_form(
    current: Schedule | None,
    domains: Sequence[Domain],
    default_timezone: str = DEFAULT_TIMEZONE,
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
) -> ScheduleForm:
    """The form filled from the saved schedule (or a new one's defaults), with a failed
    submit's values and the core's errors on top."""
    schedule = current or new_schedule(default_timezone)
    shown = schedule_fields(schedule) | {"active": ON if schedule.active else OFF}
    shown |= {name: _as_text(value) for name, value in (values or {}).items()}
    shown["focus_domain"] = shown.get("focus_domain") or ALL_DOMAINS
    left = dict(errors or {})
    focus = (
        Choice(ALL_DOMAINS, "All domains (weighted by the exam)"),
        *(Choice(d.id, f"{d.id} {d.name}") for d in domains),
    )
    fields = tuple(
        replace(
            f,
            choices=focus if f.name == "focus_domain" else f.choices,
            value=shown.get(f.name, ""),
            error=left.pop(f.name, ""),
        )
        for f in FIELDS
    )
    return ScheduleForm(fields, tuple(f"{name}: {message}" for name, message in left.items()))


def submitted_fields(values: Mapping[str, object]) -> dict[str, object]:
    """A submitted form's values as `parse_schedule` reads them: only the form's fields, the
    switch as True or False, no ticked day as none, "all domains" as no focus."""
    read = {f.name: _read(f.kind, values[f.name]) for f in FIELDS if f.name in values}
    if read.get("focus_domain") in (ALL_DOMAINS, OLD_ALL_DOMAINS):
        read["focus_domain"] = None
    return read


def _read(kind: FieldKind, raw: object) -> object:
    if kind is FieldKind.SWITCH:
        if isinstance(raw, list | tuple):
            return ON in raw
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in (ON, "true")
    if kind is FieldKind.DAYS and raw == []:
        return None  # the core then says "is required"
    return raw


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return ON if value else OFF
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)
