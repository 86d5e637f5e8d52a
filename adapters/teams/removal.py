"""When a team removes the app: pause its schedules and tell their study admins where to look.

Posting into a team that removed the bot fails forever, so each schedule of the team is paused
and carries a note (shown on the admin page's schedule list, in `studybot schedule list` and on
the dashboard). Study admins whose private chat with the bot is known are also told there.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from adapters.teams.conversations import tenant_channels
from adapters.teams.tables import teams_conversations
from adapters.teams.translate import PLATFORM, TurnIdentity, channel_key
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from bot.service.lifecycle import pause_removed_channels

log = logging.getLogger("studybot.teams")


def removal_note(team_name: str) -> str:
    return (
        f"Paused: studybot was removed from the team {team_name}, so questions cannot be posted. "
        "Add the app to the team again, then resume the schedule on the studybot admin page "
        "(Schedules) or with `studybot schedule resume`."
    )


async def team_channels(core: Core, who: TurnIdentity) -> list[ChannelRef]:
    """The study channels the bot knows in the team (or the one chat) it was removed from."""
    stored = await tenant_channels(core, who.tenant_id)
    return [
        ChannelRef(PLATFORM, who.tenant_id, c.channel_key)
        for c in stored
        if (who.team_id and c.team_id == who.team_id) or c.conversation_id == who.conversation_id
    ]


async def pause_removed_team(core: Core, who: TurnIdentity) -> list[str]:
    """Pause every running schedule of the team; returns the admins' user ids to tell."""
    return await pause_removed_channels(core, await team_channels(core, who), removal_note)


async def personal_chats(core: Core, tenant_id: str, user_ids: list[str]) -> list[ChannelRef]:
    """The private chats with the bot of these members (by Entra object id), where known."""
    async with core.db.read() as conn:
        rows = await conn.execute(
            select(teams_conversations.c.channel_key, teams_conversations.c.reference).where(
                teams_conversations.c.tenant_id == tenant_id,
                teams_conversations.c.kind == "personal",
            )
        )
        found = []
        for key, reference in rows:
            user: Any = (reference or {}).get("user") or {}
            aad = user.get("aadObjectId") or user.get("id")
            if aad and channel_key(str(aad)) in user_ids:
                found.append(ChannelRef(PLATFORM, tenant_id, key))
        return found


async def tell_admins(core: Core, who: TurnIdentity, user_ids: list[str], team_name: str) -> int:
    """Tell study admins in their private chat that the schedule is paused; how many were told."""
    platform = core.platforms.get(PLATFORM)
    if platform is None or not user_ids:
        return 0
    told = 0
    for chat in await personal_chats(core, who.tenant_id, user_ids):
        try:
            await platform.post_text(chat, removal_note(team_name))
            told += 1
        except DeliveryError as exc:
            log.info("could not tell a study admin about the removal: %s", exc)
    return told
