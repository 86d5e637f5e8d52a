"""Who may administer a study channel: its study admins, the team's, and roster owners.

The person who installs the app into a team is a study admin of the team (stored on the team's
General channel, whose id is the team id); a study admin of the team may administer every
channel of it. A roster `userRole == "owner"` still counts where Teams reports it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core.teams import TeamsInfo  # type: ignore[import-untyped]

from adapters.teams.translate import PLATFORM, TurnIdentity, channel_key
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.admins import is_study_admin
from bot.service.context import Core

log = logging.getLogger("studybot.teams")
OWNER = "owner"
REFUSAL = (
    "Only team owners and study admins can do that; nothing was changed. A study admin (the "
    "person who added studybot to the team is the first) can make you one with "
    "**@studybot admin add @you**, or the studybot operator with `studybot admins add`."
)


@dataclass(frozen=True)
class RosterMember:
    user_key: str  # the Teams id (29:…)
    aad_object_id: str | None
    name: str
    role: str  # "owner", "user" or "guest" as the roster reports it


Roster = Callable[[Any, str], Awaitable[RosterMember | None]]


async def teams_roster(turn_context: Any, user_key: str) -> RosterMember | None:
    """The member as the Teams roster of the turn's conversation reports them (None if unknown)."""
    try:
        member = await TeamsInfo.get_member(turn_context, user_key)
    except Exception as exc:  # the roster call failed: treat the person as not an owner
        log.warning("Teams roster lookup failed: %s", type(exc).__name__)
        return None
    if member is None:
        return None
    return RosterMember(
        user_key=str(member.id),
        aad_object_id=member.aad_object_id,
        name=str(member.name or member.id),
        role=str(getattr(member, "user_role", "") or "").lower(),
    )


async def is_team_owner(turn_context: Any, who: TurnIdentity, roster: Roster) -> bool:
    if who.kind != "channel":
        return False
    member = await roster(turn_context, who.user_key)
    return member is not None and member.role == OWNER


def team_channel(who: TurnIdentity) -> ChannelRef | None:
    """The team's General channel, where the team's own study admins are kept."""
    if not who.team_id:
        return None
    return ChannelRef(PLATFORM, who.tenant_id, channel_key(who.team_id.split(";", 1)[0]))


async def _admin_of(core: Core, channel: ChannelRef | None, user_id: str) -> bool:
    if channel is None:
        return False
    try:
        return await is_study_admin(core, channel, user_id)
    except NotFoundError:  # not a study channel (yet)
        return False


async def may_administer(core: Core, turn_context: Any, who: TurnIdentity, roster: Roster) -> bool:
    """The channel's or the team's study admins and roster owners, in team channels only."""
    if who.kind != "channel":
        return False
    if await _admin_of(core, who.channel, who.user_id):
        return True
    team = team_channel(who)
    if team is not None and team != who.channel and await _admin_of(core, team, who.user_id):
        return True
    return await is_team_owner(turn_context, who, roster)
