"""Saving and reading a team's drop schedule, with the validation every door shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.delivery_advice import what_to_do
from bot.domain.schedule import WEEKDAYS, RevealMode, Schedule, parse_schedule
from bot.errors import FieldErrors, NotFoundError
from bot.ports import ChannelRef
from bot.service import audit, policy
from bot.service.audit import AuditAction
from bot.service.commands import Actor, RegisterTeam, SaveSchedule
from bot.service.context import Core
from bot.service.directory import find_team, register_team, set_team_timezone
from bot.service.policy import Action
from bot.service.views import ScheduleSubmission
from bot.storage.dialect import insert_for
from bot.storage.tables import drops, organisations, schedules, skipped_occurrences, teams


async def save_schedule(core: Core, cmd: SaveSchedule) -> Schedule:
    """Validate and store the channel's schedule; the team's time zone follows it."""
    await policy.authorize(core, cmd.actor, Action.SAVE_SCHEDULE, cmd.channel)
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
        old = await _stored(conn, team.id)
        stmt = insert_for(conn, schedules).values(team_id=team.id, created_at=now, **values)
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=[schedules.c.team_id], set_=values)
        )
        await set_team_timezone(conn, team.id, schedule.timezone)
        action = AuditAction.SCHEDULE_CREATED if old is None else AuditAction.SCHEDULE_EDITED
        await audit.record(
            conn, team.org_id, cmd.actor, action, team.name, now,
            before=described(old), after=described(schedule),
        )  # fmt: skip
    return schedule


def described(schedule: Schedule | None) -> dict[str, object] | None:
    """A schedule as the audit trail shows it, in the words its forms use."""
    if schedule is None:
        return None
    return {
        "days": ",".join(schedule.day_names()),
        "time": f"{schedule.local_time:%H:%M}",
        "timezone": schedule.timezone,
        "answers open": schedule.window_text(),
        "reveal": schedule.reveal_mode.value,
        "focus": schedule.focus_domain or "all domains",
        "running": schedule.active,
        "digest": "off" if schedule.digest_weekday is None else WEEKDAYS[schedule.digest_weekday],
        "from": schedule.start_date.isoformat() if schedule.start_date else None,
        "until": schedule.end_date.isoformat() if schedule.end_date else None,
        "skipped dates": sorted(d.isoformat() for d in schedule.skip_dates),
    }


async def _stored(conn: AsyncConnection, team_id: int) -> Schedule | None:
    row = (await conn.execute(select(schedules).where(schedules.c.team_id == team_id))).first()
    return schedule_from_row(row) if row else None


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


async def the_study_channel(core: Core, channels: Sequence[ChannelRef]) -> ChannelRef | None:
    """Which of these channels a command from outside them (a private or group chat) is about:
    the only one with a schedule, else the only registered one; None when that is not exactly
    one channel, so the door asks the member to use the study channel itself."""
    scheduled, registered = [], []
    for channel in channels:
        try:
            schedule = await get_schedule(core, channel)
        except NotFoundError:
            continue
        registered.append(channel)
        if schedule is not None:
            scheduled.append(channel)
    candidates = scheduled or registered
    return candidates[0] if len(candidates) == 1 else None


async def set_schedule_active(
    core: Core, channel: ChannelRef, active: bool, *, actor: Actor
) -> Schedule:
    await policy.authorize(core, actor, Action.PAUSE_SCHEDULE, channel)
    now = core.clock.now()
    async with core.db.write() as conn:
        team = await find_team(conn, channel)
        old = await _stored(conn, team.id)
        result = await conn.execute(
            update(schedules)
            .where(schedules.c.team_id == team.id)
            .values(active=active, updated_at=now)
        )
        if not result.rowcount:
            raise NotFoundError("This channel has no schedule yet; create one first.")
        action = AuditAction.SCHEDULE_RESUMED if active else AuditAction.SCHEDULE_PAUSED
        await audit.record(
            conn, team.org_id, actor, action, team.name, now,
            before={"running": old.active if old else None}, after={"running": active},
        )  # fmt: skip
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


async def org_schedules(
    core: Core, platform: str, org_external_id: str, *, with_missed: bool = True
) -> list[ScheduleRecord]:
    """The schedules of one organisation's teams, by team name (other organisations' never
    leave the database)."""
    return await _records(
        core,
        and_(
            organisations.c.platform == platform,
            organisations.c.external_id == org_external_id,
        ),
        with_missed=with_missed,
    )


async def channel_schedules(
    core: Core, channel: ChannelRef, *, with_missed: bool = True
) -> list[ScheduleRecord]:
    """The channel's schedule as a record (an empty list when it has none)."""
    return await _records(
        core,
        and_(
            organisations.c.platform == channel.platform,
            organisations.c.external_id == channel.org_external_id,
            teams.c.channel_id == channel.channel_id,
        ),
        with_missed=with_missed,
    )


async def schedules_of_every_org_for_operator(core: Core) -> list[ScheduleRecord]:
    """Every schedule of every organisation, by organisation and team: the operator's command
    line only (no door may call it)."""
    return await _records(core, true(), with_missed=True)


async def schedules_of_every_org_for_digests(core: Core) -> list[ScheduleRecord]:
    """The engine's weekly-digest scan across organisations: the running schedules that have a
    digest day, of organisations that still have the app."""
    return await _records(
        core,
        and_(
            organisations.c.active.is_(True),
            schedules.c.active.is_(True),
            schedules.c.digest_weekday.is_not(None),
        ),
        with_missed=False,
    )


async def _records(
    core: Core, where: ColumnElement[bool], *, with_missed: bool
) -> list[ScheduleRecord]:
    """The schedules matching `where`, ordered by organisation and team."""
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
        .where(where)
        .order_by(organisations.c.platform, organisations.c.external_id, teams.c.name)
    )
    async with core.db.read() as conn:
        rows = (await conn.execute(query)).all()
        missed = await _missed(conn, rows) if with_missed else {}
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
    conn: AsyncConnection, rows: Sequence[Row[Any]]
) -> dict[int, list[MissedOccurrence]]:
    """Skipped and failed occurrences of these schedules, newest first (the failed drops are
    found through their teams' index, not among every organisation's failed drops), each with
    what a study admin can do about it."""
    found: dict[int, list[MissedOccurrence]] = {}
    if not rows:
        return found
    schedule_ids = [row.id for row in rows]
    skipped = await conn.execute(
        select(
            skipped_occurrences.c.schedule_id,
            skipped_occurrences.c.due_at,
            skipped_occurrences.c.reason,
        ).where(skipped_occurrences.c.schedule_id.in_(schedule_ids))
    )
    failed = await conn.execute(
        select(drops.c.schedule_id, drops.c.opened_at, drops.c.last_error).where(
            drops.c.team_id.in_([row.team_id for row in rows]),
            drops.c.status == "failed",
            drops.c.schedule_id.in_(schedule_ids),
        )
    )
    platforms = {row.id: row.platform for row in rows}
    for status, result in (("skipped", skipped), ("failed", failed)):
        for schedule_id, due_at, reason in result:
            why = reason or "not recorded"
            advice = what_to_do(why, platforms[schedule_id], status)
            found.setdefault(schedule_id, []).append(MissedOccurrence(due_at, status, why, advice))
    for items in found.values():
        items.sort(key=lambda m: m.due_at, reverse=True)
    return found


async def remove_schedule(core: Core, channel: ChannelRef, *, actor: Actor) -> None:
    """Delete the channel's schedule; drops already posted stay."""
    await policy.authorize(core, actor, Action.REMOVE_SCHEDULE, channel)
    async with core.db.write() as conn:
        team = await find_team(conn, channel)
        old = await _stored(conn, team.id)
        result = await conn.execute(delete(schedules).where(schedules.c.team_id == team.id))
        if not result.rowcount:
            raise NotFoundError("This channel has no schedule to remove.")
        await audit.record(
            conn, team.org_id, actor, AuditAction.SCHEDULE_REMOVED, team.name,
            core.clock.now(), before=described(old),
        )  # fmt: skip


async def record_delivery_error(core: Core, schedule_id: int, message: str) -> None:
    """Show the admin what went wrong on the schedule (cleared when the schedule is saved)."""
    async with core.db.write() as conn:
        await conn.execute(
            update(schedules)
            .where(schedules.c.id == schedule_id)
            .values(last_error=message[:500], last_error_at=core.clock.now())
        )
