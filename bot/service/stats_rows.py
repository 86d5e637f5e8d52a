"""Adding answers to the member_stats aggregate: one upsert per batch, in one lock order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.periods import local_date, period_starts
from bot.storage.dialect import insert_for
from bot.storage.tables import member_stats


@dataclass(frozen=True)
class StatsEntry:
    """What one answer adds to its member's week, month and all-time rows."""

    team_id: int
    member_id: int
    domain_id: str
    timezone: str  # the team's own zone: the answer counts in the periods of its local date
    answered_at: datetime
    answered: int
    correct: int
    points: int


StatsKey = tuple[int, str, date, str, int]  # team, period, period start, domain, member


def stats_totals(entries: Iterable[StatsEntry]) -> dict[StatsKey, list[int]]:
    """The entries summed per aggregate row (answered, correct, points)."""
    starts: dict[tuple[str, datetime], list[tuple[str, date]]] = {}  # an answer batch: one
    totals: dict[StatsKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in entries:
        periods = starts.get((e.timezone, e.answered_at))
        if periods is None:
            day = local_date(e.answered_at, e.timezone)
            periods = starts[(e.timezone, e.answered_at)] = [
                (period.value, start) for period, start in period_starts(day).items()
            ]
        for period, start in periods:
            row = totals[(e.team_id, period, start, e.domain_id, e.member_id)]
            row[0] += e.answered
            row[1] += e.correct
            row[2] += e.points
    return totals


async def add_to_stats(conn: AsyncConnection, entries: Iterable[StatsEntry]) -> None:
    """Add the entries to member_stats, creating the rows they need."""
    totals = stats_totals(entries)
    if not totals:
        return
    await conn.execute(
        _upsert(conn),
        [
            {
                "team_id": team_id,
                "period": period,
                "period_start": start,
                "domain_id": domain_id,
                "member_id": member_id,
                "answered": answered,
                "correct": correct,
                "points": points,
            }
            for (team_id, period, start, domain_id, member_id), (answered, correct, points) in (
                sorted(totals.items())  # one lock order for every writer
            )
        ],
    )


# Built once per dialect: building the statement costs more than running it with a few rows.
_UPSERTS: dict[str, Any] = {}


def _upsert(conn: AsyncConnection) -> Any:
    upsert = _UPSERTS.get(conn.dialect.name)
    if upsert is None:
        stat = insert_for(conn, member_stats)
        upsert = _UPSERTS[conn.dialect.name] = stat.on_conflict_do_update(
            index_elements=[
                member_stats.c.team_id,
                member_stats.c.period,
                member_stats.c.period_start,
                member_stats.c.domain_id,
                member_stats.c.member_id,
            ],
            set_={
                "answered": member_stats.c.answered + stat.excluded.answered,
                "correct": member_stats.c.correct + stat.excluded.correct,
                "points": member_stats.c.points + stat.excluded.points,
            },
        )
    return upsert
