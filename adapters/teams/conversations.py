"""Keeps the Bot Framework conversation reference of every place the bot may post in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select

from adapters.teams.tables import teams_conversations
from adapters.teams.translate import TurnIdentity, channel_key
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.storage.dialect import insert_for


@dataclass(frozen=True)
class StoredConversation:
    tenant_id: str
    channel_key: str
    conversation_id: str
    kind: str
    team_id: str | None
    reference: dict[str, Any]


async def save_reference(core: Core, who: TurnIdentity, reference: dict[str, Any]) -> None:
    """Insert or refresh the reference of the conversation the activity came from."""
    values = {
        "conversation_id": who.conversation_id,
        "kind": who.kind,
        "team_id": who.team_id,
        "service_url": str(reference.get("serviceUrl", ""))[:512],
        "reference": reference,
        "updated_at": core.clock.now(),
    }
    async with core.db.write() as conn:
        stmt = insert_for(conn, teams_conversations).values(
            tenant_id=who.tenant_id, channel_key=channel_key(who.conversation_id), **values
        )
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[teams_conversations.c.tenant_id, teams_conversations.c.channel_key],
                set_=values,
            )
        )


async def load_place(
    core: Core, channel: ChannelRef
) -> tuple[dict[str, Any], str, str | None] | None:
    """The stored reference of a channel with its conversation id and team id (None if the bot
    was never there, or was removed)."""
    async with core.db.read() as conn:
        row = (
            await conn.execute(
                select(
                    teams_conversations.c.reference,
                    teams_conversations.c.conversation_id,
                    teams_conversations.c.team_id,
                ).where(
                    teams_conversations.c.tenant_id == channel.org_external_id,
                    teams_conversations.c.channel_key == channel.channel_id,
                )
            )
        ).first()
    if row is None or not row.reference:
        return None
    return dict(row.reference), str(row.conversation_id), row.team_id


async def tenant_channels(core: Core, tenant_id: str) -> list[StoredConversation]:
    """The team channels of one tenant the bot knows, oldest first."""
    async with core.db.read() as conn:
        rows = await conn.execute(
            select(teams_conversations)
            .where(
                teams_conversations.c.tenant_id == tenant_id,
                teams_conversations.c.kind == "channel",
            )
            .order_by(teams_conversations.c.id)
        )
        return [
            StoredConversation(
                r.tenant_id, r.channel_key, r.conversation_id, r.kind, r.team_id, r.reference
            )
            for r in rows
        ]


async def forget_team(core: Core, tenant_id: str, team_id: str | None, conversation_id: str) -> int:
    """Drop the references of a team (every channel) or chat the bot was removed from."""
    place = teams_conversations.c.conversation_id == conversation_id
    if team_id:
        place = or_(place, teams_conversations.c.team_id == team_id)
    async with core.db.write() as conn:
        result = await conn.execute(
            delete(teams_conversations).where(teams_conversations.c.tenant_id == tenant_id, place)
        )
    return int(result.rowcount or 0)
