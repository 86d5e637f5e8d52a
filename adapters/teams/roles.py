"""What Teams says about a person, for the core's policy: roster ownership and their team.

The person who installs the app into a team is a study admin of the team (stored on the team's
General channel, whose id is the team id); the policy lets a study admin of the team administer
every channel of it. A roster `userRole == "owner"` still counts where Teams reports it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core.teams import TeamsInfo  # type: ignore[import-untyped]

from adapters.teams.translate import PLATFORM, TurnIdentity, channel_key
from bot.ports import ChannelRef
from bot.service.commands import Actor

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


def team_channel(who: TurnIdentity) -> ChannelRef | None:
    """The team's General channel, where the team's own study admins are kept."""
    if not who.team_id:
        return None
    return ChannelRef(PLATFORM, who.tenant_id, channel_key(who.team_id.split(";", 1)[0]))


async def teams_actor(turn_context: Any, who: TurnIdentity, roster: Roster) -> Actor:
    """The person as the core's policy sees them: the roster's word on ownership (asked in team
    channels only) and the team they act in; whether they are a study admin the core reads."""
    owner = False
    if who.kind == "channel":
        member = await roster(turn_context, who.user_key)
        owner = member is not None and member.role == OWNER
    return Actor(
        PLATFORM, who.tenant_id, who.user_id, team_owner=owner, team_channel=team_channel(who)
    )
