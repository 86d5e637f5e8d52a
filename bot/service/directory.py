"""Organisations, teams and members: registering them and finding them by platform identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.schedule import parse_timezone
from bot.errors import InvalidInputError, NotFoundError
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam
from bot.service.context import Core
from bot.service.org_teams import find_org_id
from bot.storage.dialect import insert_for
from bot.storage.tables import members, organisations, teams


@dataclass(frozen=True)
class TeamRecord:
    id: int
    org_id: int
    name: str
    timezone: str
    channel: ChannelRef


async def register_team(core: Core, cmd: RegisterTeam) -> TeamRecord:
    """Create (or refresh the names of) the organisation and team for a channel."""
    try:
        timezone = parse_timezone(cmd.timezone)
    except ValueError as exc:
        raise InvalidInputError(f"timezone: {exc}") from None
    now = core.clock.now()
    async with core.db.write() as conn:
        channel = cmd.channel
        org_id = await upsert_organisation(
            conn, channel.platform, channel.org_external_id, cmd.org_name, now
        )
        team_id = await _upsert_returning_id(
            conn,
            teams,
            {"org_id": org_id, "channel_id": cmd.channel.channel_id},
            {"name": cmd.team_name[:200]},
            {"created_at": now, "timezone": timezone},
        )
        return await find_team(conn, cmd.channel, team_id=team_id)


async def find_team(
    conn: AsyncConnection, channel: ChannelRef, *, team_id: int | None = None
) -> TeamRecord:
    """The team of a channel; NotFoundError if the channel was never registered."""
    query = (
        select(teams.c.id, teams.c.org_id, teams.c.name, teams.c.timezone)
        .join(organisations, organisations.c.id == teams.c.org_id)
        .where(organisations.c.platform == channel.platform)
        .where(organisations.c.external_id == channel.org_external_id)
        .where(teams.c.channel_id == channel.channel_id)
    )
    if team_id is not None:
        query = query.where(teams.c.id == team_id)
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFoundError(
            "This channel is not a studybot study channel yet. Invite the bot to the channel "
            "(or register it) and try again."
        )
    return TeamRecord(row.id, row.org_id, row.name, row.timezone, channel)


async def stored_names(core: Core, channel: ChannelRef) -> tuple[str | None, str | None]:
    """The channel's organisation's and team's stored names (None where none is stored)."""
    async with core.db.read() as conn:
        try:
            _, org = await find_org_id(conn, channel.platform, channel.org_external_id)
        except NotFoundError:
            return None, None
        try:
            team = await find_team(conn, channel)
        except NotFoundError:
            return org, None
    return org, team.name


async def set_team_timezone(conn: AsyncConnection, team_id: int, timezone: str) -> None:
    await conn.execute(update(teams).where(teams.c.id == team_id).values(timezone=timezone))


async def upsert_member(
    conn: AsyncConnection, org_id: int, user_id: str, display_name: str, now: datetime
) -> int:
    return await _upsert_returning_id(
        conn,
        members,
        {"org_id": org_id, "user_id": user_id},
        {"display_name": (display_name or user_id)[:200]},
        {"created_at": now},
    )


async def find_member(conn: AsyncConnection, org_id: int, user_id: str) -> tuple[int, str]:
    row = (
        await conn.execute(
            select(members.c.id, members.c.display_name)
            .where(members.c.org_id == org_id)
            .where(members.c.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFoundError("You have no answers here yet: answer a question first.")
    return row.id, row.display_name


async def upsert_organisation(
    conn: AsyncConnection, platform: str, external_id: str, name: str, now: datetime
) -> int:
    """Register the workspace or tenant (or refresh its name); it is active from now on."""
    return await _upsert_returning_id(
        conn,
        organisations,
        {"platform": platform, "external_id": external_id},
        {"name": name[:200], "active": True},
        {"created_at": now},
    )


async def _upsert_returning_id(
    conn: AsyncConnection,
    table: Table,
    keys: dict[str, object],
    updates: dict[str, object],
    on_insert: dict[str, object],
) -> int:
    stmt = insert_for(conn, table).values(**keys, **updates, **on_insert)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates).returning(table.c.id)
    return int((await conn.execute(stmt)).scalar_one())
