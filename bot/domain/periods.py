"""Leaderboard periods (this week, this month, all time) in a team's own time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

ALL_TIME_START = date(1970, 1, 1)


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


def local_date(instant: datetime, timezone: str) -> date:
    return instant.astimezone(ZoneInfo(timezone)).date()


def period_start(period: Period, day: date) -> date:
    """First local day of the period that contains `day` (weeks start on Monday)."""
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return ALL_TIME_START


def period_starts(day: date) -> dict[Period, date]:
    return {period: period_start(period, day) for period in Period}


def local_time_text(instant: datetime, timezone: str) -> str:
    """'2026-11-26 17:00 Europe/Berlin': a moment as the team reads it."""
    return f"{instant.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} {timezone}"
