"""Who may administer a study channel: team owners (from the Teams roster) and study admins."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core.teams import TeamsInfo  # type: ignore[import-untyped]

from adapters.teams.translate import TurnIdentity
from bot.errors import NotFoundError
from bot.service.admins import is_study_admin
from bot.service.context import Core

log = logging.getLogger("studybot.teams")
OWNER = "owner"
REFUSAL = (
    "Only team owners and study admins can do that; nothing was changed. A team owner can make "
    "you a study admin with **@studybot admin add @you**."
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


async def may_administer(core: Core, turn_context: Any, who: TurnIdentity, roster: Roster) -> bool:
    """Team owners and the channel's study admins, in team channels only."""
    if who.kind != "channel":
        return False
    try:
        if await is_study_admin(core, who.channel, who.user_id):
            return True
    except NotFoundError:
        pass  # not a study channel yet: only an owner may start it
    return await is_team_owner(turn_context, who, roster)
