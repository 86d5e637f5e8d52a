"""Participation over the weeks: how many of the teams' members answered, week by week."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.domain.periods import Period, local_date, period_start
from bot.service.context import Core
from bot.storage.tables import member_stats, team_members

MAX_WEEKS = 52


@dataclass(frozen=True)
class WeekParticipation:
    week_start: date  # the Monday of the week, in the teams' own time zones
    active_members: int  # team members who answered at least once that week
    members: int  # today's team members

    @property
    def rate(self) -> float:
        return self.active_members / self.members if self.members else 0.0


async def participation_by_week(
    core: Core, team_ids: Sequence[int], timezones: Sequence[str], weeks: int = 12
) -> tuple[WeekParticipation, ...]:
    """The last `weeks` weeks, oldest first, ending with the current one. Counts are team
    memberships: someone studying in two of the teams counts once in each (the query then reads
    only the aggregate's primary-key index, which keeps a 200-team organisation fast)."""
    weeks = max(1, min(weeks, MAX_WEEKS))
    now = core.clock.now()
    current = max(
        (period_start(Period.WEEK, local_date(now, tz)) for tz in timezones),
        default=period_start(Period.WEEK, local_date(now, "UTC")),
    )
    starts = [current - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    active: dict[date, int] = defaultdict(int)
    members = 0
    if team_ids:
        ids = list(team_ids)
        async with core.db.read() as conn:
            for _team, start, n in await conn.execute(
                select(
                    member_stats.c.team_id,
                    member_stats.c.period_start,
                    func.count(func.distinct(member_stats.c.member_id)),
                )
                .where(
                    member_stats.c.team_id.in_(ids),
                    member_stats.c.period == Period.WEEK.value,
                    member_stats.c.period_start >= starts[0],
                    member_stats.c.period_start <= starts[-1],
                )
                .group_by(member_stats.c.team_id, member_stats.c.period_start)
            ):
                active[start] += int(n)
            members = int(
                await conn.scalar(
                    select(func.count())
                    .select_from(team_members)
                    .where(team_members.c.team_id.in_(ids))
                )
                or 0
            )
    return tuple(WeekParticipation(s, active.get(s, 0), members) for s in starts)
