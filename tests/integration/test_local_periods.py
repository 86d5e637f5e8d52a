"""Weeks and months are the team's own: answers either side of local midnight and of the week
boundary land in the team's local period, for teams ahead of UTC (Auckland) and behind it (Los
Angeles), and the leaderboard and the organisation's report show the period that contains the
team's local today."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import Period
from bot.drop_life.start_close import close_drop, start_drop
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import (
    CloseDrop,
    ShowLeaderboard,
    ShowOrgReport,
    StartDrop,
    SubmitAnswer,
)
from bot.service.context import Core
from bot.service.leaderboards import show_leaderboard, show_org_report
from bot.service.views import AnswerStatus
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR

# 2026-03-08 is a Sunday; Monday 2026-03-09 starts a new week. Auckland is UTC+13 then, Los
# Angeles UTC-7 (its daylight time starts that Sunday), so the local and UTC dates differ.
SUNDAY, MONDAY = date(2026, 3, 8), date(2026, 3, 9)
LAST_WEEK, THIS_WEEK = date(2026, 3, 2), date(2026, 3, 9)
ZONES = ["Pacific/Auckland", "America/Los_Angeles"]


def local(zone: str, day: date, hour: int, minute: int) -> datetime:
    """The UTC instant of a local wall-clock time in `zone`."""
    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


async def answer_one_drop(core: Core, clock: FakeClock, channel: ChannelRef, user: str) -> None:
    """Open a drop, answer it correctly ten minutes in, and reveal it ten minutes later."""
    card = await start_drop(core, StartDrop(channel, window=timedelta(minutes=15)))
    clock.advance(minutes=10)
    q = core.questions[card.question_id]
    feedback = await submit_answer(
        core, SubmitAnswer(channel, card.drop_id, user, user.title(), tuple(sorted(q.key)))
    )
    assert feedback.status is AnswerStatus.RECORDED
    clock.advance(minutes=10)
    await close_drop(core, CloseDrop(card.drop_id, channel))


async def board(core: Core, period: Period, on: date | None = None) -> list[str]:
    view = await show_leaderboard(core, ShowLeaderboard(CHANNEL, period, on=on))
    return [r.user_id for r in view.rows]


@pytest.mark.parametrize("zone", ZONES)
async def test_answers_either_side_of_local_midnight_and_the_week_boundary(
    core: Core, clock: FakeClock, zone: str
) -> None:
    await register(core, tz=zone)
    clock.current = local(zone, SUNDAY, 23, 20)  # answered 23:30 Sunday, revealed 23:40
    await answer_one_drop(core, clock, CHANNEL, "sun")
    clock.current = local(zone, MONDAY, 0, 20)  # answered 00:30 Monday, revealed 00:40
    await answer_one_drop(core, clock, CHANNEL, "mon")
    assert await board(core, Period.WEEK, on=SUNDAY) == ["sun"]
    assert await board(core, Period.WEEK, on=MONDAY) == ["mon"]
    assert sorted(await board(core, Period.MONTH, on=MONDAY)) == ["mon", "sun"]
    assert sorted(await board(core, Period.ALL)) == ["mon", "sun"]


@pytest.mark.parametrize("zone", ZONES)
async def test_an_answer_on_the_first_local_day_of_a_month_counts_in_that_month(
    core: Core, clock: FakeClock, zone: str
) -> None:
    await register(core, tz=zone)
    clock.current = local(zone, date(2026, 2, 28), 23, 20)
    await answer_one_drop(core, clock, CHANNEL, "feb")
    clock.current = local(zone, date(2026, 3, 1), 0, 20)
    await answer_one_drop(core, clock, CHANNEL, "mar")
    assert await board(core, Period.MONTH, on=date(2026, 2, 28)) == ["feb"]
    assert await board(core, Period.MONTH, on=date(2026, 3, 1)) == ["mar"]


@pytest.mark.parametrize(
    ("zone", "wall", "week_start"),
    [
        # Monday 00:50 in Auckland is still Sunday in UTC: the week is already the new one.
        ("Pacific/Auckland", (MONDAY, 0, 50), THIS_WEEK),
        # Sunday 23:50 in Los Angeles is already Monday in UTC: the week is still the old one.
        ("America/Los_Angeles", (SUNDAY, 23, 50), LAST_WEEK),
    ],
)
async def test_this_week_is_the_week_of_the_teams_local_today(
    core: Core, clock: FakeClock, zone: str, wall: tuple[date, int, int], week_start: date
) -> None:
    await register(core, tz=zone)
    clock.current = local(zone, *wall) - timedelta(minutes=20)
    await answer_one_drop(core, clock, CHANNEL, "amy")  # answered at wall - 10 min
    assert clock.current == local(zone, *wall)
    view = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.WEEK))
    assert view.period_start == week_start
    assert [r.user_id for r in view.rows] == ["amy"]
    month = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.MONTH))
    assert month.period_start == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("zone", "wall", "counted"),
    [
        # Monday 00:50 in Auckland (still Sunday in UTC): this week's report counts the answer.
        ("Pacific/Auckland", (MONDAY, 0, 50), 1),
        # Monday 00:50 in Los Angeles (already Monday in UTC too), answered on local Sunday:
        # the answer belongs to last week, so this week's report does not count it.
        ("America/Los_Angeles", (MONDAY, 0, 50), 0),
    ],
)
async def test_the_organisation_report_uses_each_teams_local_week(
    core: Core, clock: FakeClock, zone: str, wall: tuple[date, int, int], counted: int
) -> None:
    await register(core, tz=zone)
    if counted:
        clock.current = local(zone, *wall) - timedelta(minutes=20)  # answered at 00:40 Monday
    else:
        clock.current = local(zone, SUNDAY, 23, 20)  # answered 23:30 Sunday, local
    await answer_one_drop(core, clock, CHANNEL, "amy")
    clock.current = local(zone, *wall)
    asked = ShowOrgReport(CHANNEL.platform, CHANNEL.org_external_id, Period.WEEK, actor=OPERATOR)
    (team,) = (await show_org_report(core, asked)).teams
    assert (team.answers, team.active_members) == (counted, counted)
