"""Saving and reading a team's drop schedule, with the validation every door shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.delivery_advice import what_to_do
from bot.domain.schedule import RevealMode, Schedule, parse_schedule
from bot.errors import FieldErrors, NotFoundError
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.context import Core
from bot.service.directory import find_team, register_team, set_team_timezone
from bot.service.views import ScheduleSubmission
from bot.storage.dialect import insert_for
from bot.storage.tables import drops, organisations, schedules, skipped_occurrences, teams


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
        "digest_weekday": schedule.digest_weekday,
        "updated_at": now,
        "last_error": None,
        "last_error_at": None,
    }
    async with core.db.write() as conn:
        team = await find_team(conn, cmd.channel)
        stmt = insert_for(conn, schedules).values(team_id=team.id, created_at=now, **values)
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=[schedules.c.team_id], set_=values)
        )
        await set_team_timezone(conn, team.id, schedule.timezone)
    return schedule


PlaceOf = Callable[[], Awaitable[RegisterTeam]]


async def save_schedule_for(
    core: Core, cmd: SaveSchedule, place: PlaceOf | None = None
) -> ScheduleSubmission:
    """A schedule form's submit, as one use case: check the fields; only when they are valid,
    register the channel under the names `place` gives (the door looks them up then, so a wrong
    form costs no lookup and registers nothing); save. Field errors come back in the view model,
    with the stored schedule when the save itself refused the values; nothing is saved then."""
    try:
        parse_schedule(cmd.values, [d.id for d in core.pack.domains])
    except FieldErrors as exc:
        return ScheduleSubmission(cmd.values, errors=exc.errors)
    if place is not None:
        await register_team(core, await place())
    try:
        saved = await save_schedule(core, cmd)
    except FieldErrors as exc:
        current = await get_schedule(core, cmd.channel)
        return ScheduleSubmission(cmd.values, errors=exc.errors, current=current)
    return ScheduleSubmission(cmd.values, saved=saved)


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
        digest_weekday=m["digest_weekday"],
    )


MISSED_SHOWN = 10  # the newest skipped or failed occurrences shown per schedule


@dataclass(frozen=True)
class MissedOccurrence:
    """A scheduled drop that did not reach the channel: skipped (too late) or failed."""

    due_at: datetime
    status: str  # "skipped" or "failed"
    reason: str
    what_to_do: str = ""  # what a study admin can do about it (bot/domain/delivery_advice.py)


@dataclass(frozen=True)
class ScheduleRecord:
    """A stored schedule with where it belongs and how its deliveries are going."""

    id: int
    team_id: int
    team_name: str
    channel: ChannelRef
    schedule: Schedule
    updated_at: datetime
    last_error: str | None
    last_error_at: datetime | None
    missed: tuple[MissedOccurrence, ...] = ()  # newest first


async def list_schedules(
    core: Core, channel: ChannelRef | None = None, *, with_missed: bool = True
) -> list[ScheduleRecord]:
    """Every schedule (or the channel's), ordered by organisation and team."""
    query = (
        select(
            schedules,
            teams.c.name.label("team_name"),
            teams.c.channel_id,
            organisations.c.platform,
            organisations.c.external_id,
        )
        .join(teams, teams.c.id == schedules.c.team_id)
        .join(organisations, organisations.c.id == teams.c.org_id)
        .order_by(organisations.c.platform, organisations.c.external_id, teams.c.name)
    )
    if channel is not None:
        query = query.where(
            organisations.c.platform == channel.platform,
            organisations.c.external_id == channel.org_external_id,
            teams.c.channel_id == channel.channel_id,
        )
    async with core.db.read() as conn:
        rows = (await conn.execute(query)).all()
        platforms = {row.id: row.platform for row in rows}
        missed = await _missed(conn, platforms) if with_missed else {}
    return [
        ScheduleRecord(
            id=row.id,
            team_id=row.team_id,
            team_name=row.team_name,
            channel=ChannelRef(row.platform, row.external_id, row.channel_id),
            schedule=schedule_from_row(row),
            updated_at=row.updated_at,
            last_error=row.last_error,
            last_error_at=row.last_error_at,
            missed=tuple(missed.get(row.id, [])[:MISSED_SHOWN]),
        )
        for row in rows
    ]


async def _missed(
    conn: AsyncConnection, platforms: dict[int, str]
) -> dict[int, list[MissedOccurrence]]:
    """Skipped and failed occurrences of these schedules (by id, with their platform), newest
    first, each with what a study admin can do about it."""
    found: dict[int, list[MissedOccurrence]] = {}
    schedule_ids = list(platforms)
    if not schedule_ids:
        return found
    skipped = await conn.execute(
        select(
            skipped_occurrences.c.schedule_id,
            skipped_occurrences.c.due_at,
            skipped_occurrences.c.reason,
        ).where(skipped_occurrences.c.schedule_id.in_(schedule_ids))
    )
    failed = await conn.execute(
        select(drops.c.schedule_id, drops.c.opened_at, drops.c.last_error).where(
            drops.c.schedule_id.in_(schedule_ids), drops.c.status == "failed"
        )
    )
    for status, rows in (("skipped", skipped), ("failed", failed)):
        for schedule_id, due_at, reason in rows:
            why = reason or "not recorded"
            advice = what_to_do(why, platforms[schedule_id], status)
            found.setdefault(schedule_id, []).append(MissedOccurrence(due_at, status, why, advice))
    for items in found.values():
        items.sort(key=lambda m: m.due_at, reverse=True)
    return found


async def remove_schedule(core: Core, channel: ChannelRef) -> None:
    """Delete the channel's schedule; drops already posted stay."""
    async with core.db.write() as conn:
        team = await find_team(conn, channel)
        result = await conn.execute(delete(schedules).where(schedules.c.team_id == team.id))
        if not result.rowcount:
            raise NotFoundError("This channel has no schedule to remove.")


async def record_delivery_error(core: Core, schedule_id: int, message: str) -> None:
    """Show the admin what went wrong on the schedule (cleared when the schedule is saved)."""
    async with core.db.write() as conn:
        await conn.execute(
            update(schedules)
            .where(schedules.c.id == schedule_id)
            .values(last_error=message[:500], last_error_at=core.clock.now())
        )
