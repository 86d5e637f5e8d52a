"""Saving and reading a team's drop schedule, with the validation every door shares."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.schedule import RevealMode, Schedule, parse_schedule
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.commands import SaveSchedule
from bot.service.context import Core
from bot.service.directory import find_team, set_team_timezone
from bot.storage.dialect import insert_for
from bot.storage.tables import schedules


async def save_schedule(core: Core, cmd: SaveSchedule) -> Schedule:
    """Validate and store the channel's schedule; the team's time zone follows it."""
    schedule = parse_schedule(cmd.values, [d.id for d in core.pack.domains])
    now = core.clock.now()
    values = {
        "days": ",".join(str(d) for d in sorted(schedule.days)),
        "local_time": schedule.local_time.strftime("%H:%M"),
        "timezone": schedule.timezone,
        "window_minutes": int(schedule.window.total_seconds() // 60) if schedule.window else None,
        "closes_at": schedule.closes_at.strftime("%H:%M") if schedule.closes_at else None,
        "reveal_mode": schedule.reveal_mode.value,
        "focus_domain": schedule.focus_domain,
        "active": schedule.active,
        "start_date": schedule.start_date,
        "end_date": schedule.end_date,
        "skip_dates": sorted(d.isoformat() for d in schedule.skip_dates),
        "updated_at": now,
    }
    async with core.db.write() as conn:
        team = await find_team(conn, cmd.channel)
        stmt = insert_for(conn, schedules).values(team_id=team.id, created_at=now, **values)
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=[schedules.c.team_id], set_=values)
        )
        await set_team_timezone(conn, team.id, schedule.timezone)
    return schedule


async def get_schedule(core: Core, channel: ChannelRef) -> Schedule | None:
    async with core.db.read() as conn:
        team = await find_team(conn, channel)
        row = (await conn.execute(select(schedules).where(schedules.c.team_id == team.id))).first()
    return schedule_from_row(row) if row else None


async def set_schedule_active(core: Core, channel: ChannelRef, active: bool) -> Schedule:
    async with core.db.write() as conn:
        team = await find_team(conn, channel)
        result = await conn.execute(
            update(schedules)
            .where(schedules.c.team_id == team.id)
            .values(active=active, updated_at=core.clock.now())
        )
        if not result.rowcount:
            raise NotFoundError("This channel has no schedule yet; create one first.")
        return await _load(conn, team.id)


async def _load(conn: AsyncConnection, team_id: int) -> Schedule:
    row = (await conn.execute(select(schedules).where(schedules.c.team_id == team_id))).one()
    return schedule_from_row(row)


def schedule_from_row(row: Row[object]) -> Schedule:
    m = row._mapping
    return Schedule(
        days=frozenset(int(d) for d in m["days"].split(",")),
        local_time=time.fromisoformat(m["local_time"]),
        timezone=m["timezone"],
        window=timedelta(minutes=m["window_minutes"]) if m["window_minutes"] else None,
        closes_at=time.fromisoformat(m["closes_at"]) if m["closes_at"] else None,
        reveal_mode=RevealMode(m["reveal_mode"]),
        focus_domain=m["focus_domain"],
        active=bool(m["active"]),
        start_date=m["start_date"],
        end_date=m["end_date"],
        skip_dates=frozenset(date.fromisoformat(d) for d in m["skip_dates"]),
    )
