"""Which study channels of an organisation a member belongs to (for personal home pages)."""

from __future__ import annotations

from sqlalchemy import select, true

from bot.ports import ChannelRef
from bot.service.context import Core
from bot.storage.tables import members, organisations, team_members, teams


async def member_channels(
    core: Core, platform: str, org_external_id: str, user_id: str, *, admin_only: bool = False
) -> list[ChannelRef]:
    """The channels of the member's teams in that organisation only, by team name (with
    `admin_only`, the ones the member is a study admin of)."""
    async with core.db.read() as conn:
        rows = await conn.execute(
            select(teams.c.channel_id)
            .join(organisations, organisations.c.id == teams.c.org_id)
            .join(team_members, team_members.c.team_id == teams.c.id)
            .join(members, members.c.id == team_members.c.member_id)
            .where(organisations.c.platform == platform)
            .where(organisations.c.external_id == org_external_id)
            .where(members.c.org_id == organisations.c.id)
            .where(members.c.user_id == user_id)
            .where(team_members.c.is_admin.is_(True) if admin_only else true())
            .order_by(teams.c.name, teams.c.id)
        )
        return [ChannelRef(platform, org_external_id, channel_id) for (channel_id,) in rows]
