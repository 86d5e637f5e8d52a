"""A team's drop schedule as a value, and the validation every door (chat, web, CLI) shares."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import FieldErrors

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
VALID_DAYS_TEXT = "mon, tue, wed, thu, fri, sat, sun (or full names), weekdays or daily"
DAY_GROUPS = {"weekdays": WEEKDAYS[:5], "daily": WEEKDAYS, "everyday": WEEKDAYS}
T = TypeVar("T")
DEFAULT_WINDOW = timedelta(hours=8)
MIN_WINDOW = timedelta(minutes=5)
MAX_WINDOW = timedelta(days=7)
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DURATION_RE = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$")


class RevealMode(StrEnum):
    AT_CLOSE = "at_close"  # the answer is revealed to everyone when the window closes
    AT_CLOSE_WITH_FEEDBACK = "at_close_with_feedback"  # plus private right/wrong on each answer


@dataclass(frozen=True)
class Schedule:
    days: frozenset[int]  # 0 = Monday … 6 = Sunday
    local_time: time
    timezone: str
    window: timedelta | None = DEFAULT_WINDOW
    closes_at: time | None = None  # a local closing time instead of a duration
    reveal_mode: RevealMode = RevealMode.AT_CLOSE
    focus_domain: str | None = None
    active: bool = True
    start_date: date | None = None
    end_date: date | None = None
    skip_dates: frozenset[date] = field(default_factory=frozenset)
    digest_weekday: int | None = 0  # the weekly digest's day (0 = Monday), None = no digest

    def day_names(self) -> list[str]:
        return [WEEKDAYS[d] for d in sorted(self.days)]

    def window_text(self) -> str:
        if self.closes_at is not None:
            return f"until {self.closes_at:%H:%M}"
        assert self.window is not None
        return format_duration(self.window)


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def schedule_fields(schedule: Schedule) -> dict[str, str]:
    """A schedule as the text of its form fields: the same words `parse_schedule` reads back
    (every door's form, the API's `fields`); the window is empty when it closes at a time."""
    return {
        "days": ",".join(schedule.day_names()),
        "time": f"{schedule.local_time:%H:%M}",
        "timezone": schedule.timezone,
        "window": format_duration(schedule.window)
        if schedule.window and schedule.closes_at is None
        else "",
        "closes_at": f"{schedule.closes_at:%H:%M}" if schedule.closes_at else "",
        "reveal_mode": schedule.reveal_mode.value,
        "focus_domain": schedule.focus_domain or "",
        "start_date": schedule.start_date.isoformat() if schedule.start_date else "",
        "end_date": schedule.end_date.isoformat() if schedule.end_date else "",
        "skip_dates": ",".join(sorted(d.isoformat() for d in schedule.skip_dates)),
        "digest": "off" if schedule.digest_weekday is None else WEEKDAYS[schedule.digest_weekday],
    }


def parse_schedule(values: Mapping[str, object], domain_ids: Collection[str]) -> Schedule:
    """Build a Schedule from loosely typed input (form fields, CLI flags); collect every error."""
    errors: dict[str, str] = {}

    def given(name: str) -> bool:
        return values.get(name) not in (None, "")

    def parsed(name: str, parse: Callable[[object], T], *, required: str = "") -> T | None:
        if not given(name):
            if required:
                errors[name] = required
            return None
        try:
            return parse(values[name])
        except (ValueError, TypeError) as exc:
            errors[name] = str(exc)
            return None

    days = parsed("days", parse_days, required="is required (e.g. mon,wed,fri or weekdays)")
    at = parsed("time", parse_time, required="is required (24-hour HH:MM)")
    tz = parsed(
        "timezone", parse_timezone, required="is required (an IANA name such as Europe/Berlin)"
    )
    closes = parsed("closes_at", parse_time)
    window = None if closes else parsed("window", parse_window) or DEFAULT_WINDOW
    if closes is not None and given("window"):
        errors["window"] = "give either a window or a closing time, not both"
    if closes is not None and closes == at:
        errors["closes_at"] = "is the same as the drop time; the window would be empty"
    reveal = parsed("reveal_mode", _reveal) or RevealMode.AT_CLOSE
    focus = str(values["focus_domain"]) if given("focus_domain") else None
    if focus is not None and focus not in domain_ids:
        errors["focus_domain"] = (
            f"unknown domain {focus!r}; use one of {', '.join(sorted(domain_ids))}"
        )
    start = parsed("start_date", _date)
    end = parsed("end_date", _date)
    if start and end and end < start:
        errors["end_date"] = "is before the start date"
    skips = parsed("skip_dates", _dates) or frozenset()
    digest = parsed("digest", _digest_day) if given("digest") else 0
    active = values.get("active", True)
    if not isinstance(active, bool):
        errors["active"] = "must be true or false"
    if errors or days is None or at is None or tz is None or not isinstance(active, bool):
        raise FieldErrors(errors)
    return Schedule(
        days=days,
        local_time=at,
        timezone=tz,
        window=window,
        closes_at=closes,
        reveal_mode=reveal,
        focus_domain=focus,
        active=active,
        start_date=start,
        end_date=end,
        skip_dates=skips,
        digest_weekday=None if digest == -1 else digest,
    )


def parse_days(raw: object) -> frozenset[int]:
    items: Iterable[str]
    if isinstance(raw, str):
        items = [p for p in re.split(r"[,\s]+", raw.strip().lower()) if p]
    elif isinstance(raw, list | tuple | set | frozenset):
        items = [str(p).strip().lower() for p in raw]
    else:
        raise ValueError("must be day names such as mon,wed,fri or 'weekdays'")
    days: set[int] = set()
    for item in items:
        if item in DAY_GROUPS:
            days.update(WEEKDAYS.index(d) for d in DAY_GROUPS[item])
        elif (day := _day_index(item)) is not None:
            days.add(day)
        else:
            raise ValueError(f"unknown day {item!r}; use {VALID_DAYS_TEXT}")
    if not days:
        raise ValueError("choose at least one day")
    return frozenset(days)


def _day_index(word: str) -> int | None:
    """Monday is 'mon', 'mond…' up to 'monday'; anything else (such as 'monkey') is no day."""
    if len(word) < 3:
        return None
    for index, name in enumerate(DAY_NAMES):
        if name.startswith(word):
            return index
    return None


def parse_time(raw: object) -> time:
    text = str(raw).strip()
    match = TIME_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a time of day; use 24-hour HH:MM such as 09:30")
    return time(int(match.group(1)), int(match.group(2)))


def parse_timezone(raw: object) -> str:
    name = str(raw).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = _closest_timezone(name)
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
            + (f" (did you mean {hint}?)" if hint else "")
        ) from None
    return name


def parse_window(raw: object) -> timedelta:
    """A duration with its unit (90m, 8h, 1d, 1h30m); a bare number is refused, never guessed."""
    text = str(raw).strip().lower().replace(" ", "")
    if text.isdigit():
        raise ValueError(
            f"{raw!r} has no unit; write {text}m for {text} minutes or {text}h for {text} hours"
        )
    match = DURATION_RE.match(text) if text else None
    if not (match and any(match.groups())):
        raise ValueError(f"{raw!r} is not a duration; use forms like 45m, 8h, 1d or 1h30m")
    d, h, m = (int(g) if g else 0 for g in match.groups())
    delta = timedelta(days=d, hours=h, minutes=m)
    if not MIN_WINDOW <= delta <= MAX_WINDOW:
        raise ValueError("must be between 5 minutes and 7 days")
    return delta


def _digest_day(raw: object) -> int:
    """A weekday for the weekly digest, or -1 for 'off'."""
    text = str(raw).strip().lower()
    if text in ("off", "none", "no"):
        return -1
    day = _day_index(text)
    if day is not None:
        return day
    raise ValueError(f"{raw!r} is not a day; use mon … sun, or off")


def _reveal(raw: object) -> RevealMode:
    try:
        return RevealMode(str(raw))
    except ValueError:
        raise ValueError(f"must be one of {', '.join(m.value for m in RevealMode)}") from None


def _date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a date; use YYYY-MM-DD") from None


def _dates(raw: object) -> frozenset[date]:
    if isinstance(raw, str):
        items: list[object] = list(re.split(r"[,\s]+", raw.strip()))
    elif isinstance(raw, list | tuple | set | frozenset):
        items = list(raw)
    else:
        raise ValueError("must be dates (YYYY-MM-DD) separated by commas")
    return frozenset(_date(item) for item in items if item)


def _closest_timezone(name: str) -> str | None:
    """The IANA name meant by a typo or a bare city: 'Berlin' or 'Europe/Berln' → Europe/Berlin."""
    wanted = name.replace(" ", "_").lower()
    zones = sorted(available_timezones())
    for candidate in zones:
        if candidate.lower() == wanted or candidate.lower().endswith("/" + wanted):
            return candidate
    by_lower = {zone.lower(): zone for zone in zones}
    close = difflib.get_close_matches(wanted, list(by_lower), n=1, cutoff=0.8)
    if close:
        return by_lower[close[0]]
    cities = {zone.rsplit("/", 1)[-1].lower(): zone for zone in zones if "/" in zone}
    close = difflib.get_close_matches(wanted.rsplit("/", 1)[-1], list(cities), n=1, cutoff=0.8)
    return cities[close[0]] if close else None
