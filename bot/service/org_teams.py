"""An organisation and its teams, found by platform identity (for dashboards and admin pages)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.commands import Actor
from bot.service.context import Core
from bot.storage.tables import organisations, team_members, teams


@dataclass(frozen=True)
class OrgTeam:
    team_id: int
    name: str
    timezone: str
    channel: ChannelRef
    members: int


@dataclass(frozen=True)
class OrgTeams:
    org_id: int
    org_name: str
    teams: tuple[OrgTeam, ...]

    def team(self, channel_id: str) -> OrgTeam:
        """The organisation's team on that channel; NotFoundError for any other channel."""
        for team in self.teams:
            if team.channel.channel_id == channel_id:
                return team
        raise NotFoundError("This organisation has no study channel with that id.")


async def find_org_id(
    conn: AsyncConnection, platform: str, org_external_id: str
) -> tuple[int, str]:
    row = (
        await conn.execute(
            select(organisations.c.id, organisations.c.name).where(
                organisations.c.platform == platform,
                organisations.c.external_id == org_external_id,
            )
        )
    ).first()
    if row is None:
        raise NotFoundError("This organisation has no study channels yet.")
    return int(row.id), str(row.name)


async def list_org_teams(core: Core, platform: str, org_external_id: str) -> OrgTeams:
    """Every team of one organisation, by name, with its member count.

    Each count reads only its own team's memberships (through the primary key, which starts
    with the team), so the cost grows with this organisation, not with every organisation's.
    """
    async with core.db.read() as conn:
        org_id, org_name = await find_org_id(conn, platform, org_external_id)
        size = (
            select(func.count())
            .where(team_members.c.team_id == teams.c.id)
            .scalar_subquery()
            .label("n")
        )
        rows = (
            await conn.execute(
                select(teams.c.id, teams.c.name, teams.c.timezone, teams.c.channel_id, size)
                .where(teams.c.org_id == org_id)
                .order_by(teams.c.name, teams.c.id)
            )
        ).all()
    return OrgTeams(
        org_id,
        org_name,
        tuple(
            OrgTeam(
                r.id,
                r.name,
                r.timezone,
                ChannelRef(platform, org_external_id, r.channel_id),
                int(r.n or 0),
            )
            for r in rows
        ),
    )


async def own_team(core: Core, actor: Actor, channel_id: str) -> OrgTeam:
    """The team on that channel of the actor's own organisation (NotFoundError for any other)."""
    return (await list_org_teams(core, actor.platform, actor.org_external_id)).team(channel_id)
