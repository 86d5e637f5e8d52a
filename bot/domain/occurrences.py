"""When a schedule's drops fall: one occurrence per scheduled local day, daylight saving included.

An occurrence is keyed by (schedule, local date), so a day can never produce two drops. A local
time that does not exist on a spring-forward day (02:30 in Berlin on the last Sunday of March)
falls at the same UTC instant as the hour before the change, i.e. 03:30 local; a time that occurs
twice on a fall-back day is taken at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.schedule import Schedule


@dataclass(frozen=True)
class Occurrence:
    local_date: date
    due_at: datetime  # UTC
    closes_at: datetime  # UTC

    def key(self, schedule_id: int) -> str:
        return f"schedule-{schedule_id}:{self.local_date.isoformat()}"


def local_instant(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of a local time: its first one when repeated, past the gap when absent.

    With fold=0 (PEP 495) both cases use the UTC offset in force before the change.
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def occurrence_on(schedule: Schedule, day: date) -> Occurrence | None:
    """The occurrence on a local day, or None if the schedule does not drop that day."""
    if day.weekday() not in schedule.days or day in schedule.skip_dates:
        return None
    if schedule.start_date and day < schedule.start_date:
        return None
    if schedule.end_date and day > schedule.end_date:
        return None
    due = local_instant(day, schedule.local_time, schedule.timezone)
    if schedule.closes_at is not None:
        close_day = day if schedule.closes_at > schedule.local_time else day + timedelta(days=1)
        closes = local_instant(close_day, schedule.closes_at, schedule.timezone)
    else:
        assert schedule.window is not None
        closes = due + schedule.window
    return Occurrence(day, due, closes)


def closes_after(schedule: Schedule, opened: datetime) -> datetime:
    """When a drop opened at `opened` closes under the schedule: after its window, or at the next
    local closing time."""
    if schedule.closes_at is None:
        assert schedule.window is not None
        return opened + schedule.window
    day = opened.astimezone(ZoneInfo(schedule.timezone)).date()
    closing = local_instant(day, schedule.closes_at, schedule.timezone)
    return (
        closing
        if closing > opened
        else local_instant(day + timedelta(days=1), schedule.closes_at, schedule.timezone)
    )


def occurrences_between(schedule: Schedule, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences due in [start, end), in order."""
    zone = ZoneInfo(schedule.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found = []
    while day <= last:
        occurrence = occurrence_on(schedule, day)
        if occurrence is not None and start <= occurrence.due_at < end:
            found.append(occurrence)
        day += timedelta(days=1)
    return found


def next_occurrences(schedule: Schedule, after: datetime, count: int = 1) -> list[Occurrence]:
    """The next `count` occurrences due at or after `after` (none for a paused schedule)."""
    if not schedule.active:
        return []
    found: list[Occurrence] = []
    start = after
    for _ in range(60):  # at most 60 fortnights ahead: enough for any end date or skip list
        found += occurrences_between(schedule, start, start + timedelta(days=14))
        if len(found) >= count:
            return found[:count]
        start += timedelta(days=14)
    return found
