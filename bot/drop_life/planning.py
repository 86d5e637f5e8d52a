"""Turns schedules into drops: each due occurrence becomes one pending drop, exactly once.

Every replica may plan; the unique occurrence key (schedule, local date) and, on PostgreSQL, an
advisory lock make sure an occurrence is created once. Occurrences missed for longer than the
grace period (the service was down) are recorded as skipped instead of being posted late.

Each schedule keeps a watermark (`planned_until`): the latest occurrence already handled. A pass
looks only at occurrences after it, so its cost does not grow with a schedule's age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.occurrences import Occurrence, occurrences_between
from bot.domain.schedule import Schedule
from bot.drop_life.creating import DropPlan, create_drops
from bot.drop_life.states import PENDING
from bot.observability.metrics import DROPS
from bot.service.context import Core
from bot.service.schedules import schedule_from_row
from bot.storage.dialect import insert_for
from bot.storage.tables import drops, organisations, schedules, skipped_occurrences, teams

PLAN_LOCK = 7_400_401  # PostgreSQL advisory lock id: one replica plans at a time
KEY_CHUNK = 500
SKIPPED_AT_PLANNING = "missed by more than the grace period (the service was not running)"
SET_WATERMARK = (
    update(schedules)
    .where(schedules.c.id == bindparam("b_id"))
    .values(planned_until=bindparam("b_until"))
)


@dataclass(frozen=True)
class PlanResult:
    created: int
    skipped: int
    considered: int = 0  # occurrences looked at in this pass


async def plan_due_drops(
    core: Core,
    *,
    grace: timedelta,
    lookback: timedelta,
    lookahead: timedelta = timedelta(0),
    now: datetime | None = None,
) -> PlanResult:
    """Create a pending drop for every occurrence due by now + lookahead (so that it is ready to
    post the moment it is due); record occurrences missed for longer than grace as skipped."""
    now = now or core.clock.now()
    async with core.db.write() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PLAN_LOCK})
        due: dict[str, tuple[int, int, Occurrence, Schedule]] = {}
        active = (
            select(schedules, organisations.c.platform)
            .join(teams, teams.c.id == schedules.c.team_id)
            .join(organisations, organisations.c.id == teams.c.org_id)
            .where(schedules.c.active.is_(True), organisations.c.active.is_(True))
        )
        watermarks: dict[int, datetime] = {}
        platforms: dict[int, str] = {}  # schedule id -> platform, for the metrics
        for row in await conn.execute(active):
            platforms[row.id] = row.platform
            schedule = schedule_from_row(row)
            since = max(row.updated_at, now - lookback)
            if row.planned_until is not None and row.planned_until >= since:
                since = row.planned_until + timedelta(microseconds=1)
            for occurrence in occurrences_between(
                schedule, since, now + lookahead + timedelta(microseconds=1)
            ):
                due[occurrence.key(row.id)] = (row.id, row.team_id, occurrence, schedule)
                watermarks[row.id] = max(watermarks.get(row.id, now - lookback), occurrence.due_at)
        if not due:
            return PlanResult(0, 0)
        done = await _known_keys(conn, list(due))
        plans, skipped = [], []
        missed_on: list[str] = []  # each skipped occurrence's platform, for the metrics
        for key, (schedule_id, team_id, occurrence, schedule) in due.items():
            if key in done:
                continue
            if occurrence.due_at < now - grace:
                skipped.append(
                    {
                        "occurrence_key": key,
                        "schedule_id": schedule_id,
                        "local_date": occurrence.local_date,
                        "due_at": occurrence.due_at,
                        "recorded_at": now,
                        "reason": SKIPPED_AT_PLANNING,
                    }
                )
                missed_on.append(platforms[schedule_id])
                continue
            plans.append(
                DropPlan(
                    team_id=team_id,
                    opened_at=occurrence.due_at,
                    closes_at=occurrence.closes_at,
                    reveal_mode=schedule.reveal_mode,
                    status=PENDING,
                    focus_domain=schedule.focus_domain,
                    occurrence_key=key,
                    schedule_id=schedule_id,
                )
            )
        if skipped:
            await conn.execute(
                insert_for(conn, skipped_occurrences).values(skipped).on_conflict_do_nothing()
            )
            for platform in missed_on:
                DROPS.labels(platform, "skipped").inc()
        created = await create_drops(core, conn, sorted(plans, key=lambda p: p.opened_at))
        await conn.execute(
            SET_WATERMARK, [{"b_id": i, "b_until": until} for i, until in watermarks.items()]
        )
    return PlanResult(sum(card is not None for card in created), len(skipped), len(due))


async def _known_keys(conn: AsyncConnection, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for i in range(0, len(keys), KEY_CHUNK):
        chunk = keys[i : i + KEY_CHUNK]
        known.update(
            await conn.scalars(
                select(drops.c.occurrence_key).where(drops.c.occurrence_key.in_(chunk))
            )
        )
        known.update(
            await conn.scalars(
                select(skipped_occurrences.c.occurrence_key).where(
                    skipped_occurrences.c.occurrence_key.in_(chunk)
                )
            )
        )
    return known
