"""Names people can tell apart: from install and rename events, the Teams API, never a placeholder.

Message and invoke activities carry ids only. The door keeps the names that install and rename
events bring, asks Teams (team details, team channels) when a name is unknown, and never
replaces a known name with a placeholder. The organisation is named after the tenant when the
activity says its name; Bot Framework does not otherwise report a tenant's name.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core.teams import TeamsInfo  # type: ignore[import-untyped]

from adapters.teams.translate import TurnIdentity, _get
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam
from bot.service.context import Core
from bot.service.directory import register_team, stored_names

log = logging.getLogger("studybot.teams")
LOOKUP_TIMEOUT = 5.0  # seconds for a Teams API name lookup
GENERAL = "General"  # Teams reports the General channel without a name


def org_placeholder(tenant_id: str) -> str:
    return f"Microsoft Teams tenant {tenant_id}"


def is_placeholder(name: str | None) -> bool:
    return not name or name.startswith(("Microsoft Teams tenant ", "Teams "))


@dataclass(frozen=True)
class PlaceNames:
    org: str
    team: str  # "Team › Channel" for a channel, the team's name for its General channel


def tenant_name(activity: Any) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    name = _get(data, "tenant", "name")
    return str(name)[:200] if name else None


async def _lookup(turn_context: Any, who: TurnIdentity) -> tuple[str | None, str | None]:
    """The team's and the channel's names from the Teams API (None when it cannot say)."""
    if not who.team_id:
        return None, None
    try:
        connector = await TeamsInfo.get_teams_connector_client(turn_context)
        connector.config.connection.timeout = LOOKUP_TIMEOUT
        details = await asyncio.to_thread(connector.teams.get_team_details, who.team_id)
        channels = await asyncio.to_thread(connector.teams.get_teams_channels, who.team_id)
    except Exception as exc:  # no permission, a 404, a timeout: keep what we have
        log.info("Teams name lookup failed: %s", type(exc).__name__)
        return None, None
    team = str(details.name) if details is not None and details.name else None
    channel = None
    for info in getattr(channels, "conversations", None) or []:
        if info.id == who.conversation_id:
            channel = str(info.name or GENERAL)
    return team, channel


def _place(team: str | None, channel: str | None, who: TurnIdentity) -> str | None:
    if who.team_id and who.conversation_id == who.team_id.split(";", 1)[0]:
        channel = channel or GENERAL
    if team and channel:
        return f"{team} › {channel}"
    return None


async def place_names(core: Core, turn_context: Any, who: TurnIdentity) -> PlaceNames:
    """The best names for the turn's channel and organisation: the activity's, else the stored
    ones, else the Teams API's; a placeholder only when nothing else is known."""
    stored_org, stored_team = await stored_names(core, who.channel)
    org = tenant_name(turn_context.activity) or (
        stored_org if not is_placeholder(stored_org) else None
    )
    team = _place(who.team_name, who.channel_name, who)
    if team is None and not is_placeholder(stored_team):
        team = stored_team
    if team is None:
        looked_team, looked_channel = await _lookup(turn_context, who)
        team = _place(looked_team or who.team_name, looked_channel or who.channel_name, who)
        team = team or looked_team or who.team_name
    return PlaceNames(
        org or stored_org or org_placeholder(who.tenant_id),
        team or stored_team or who.place_name,
    )


async def renamed(core: Core, who: TurnIdentity, event: str, channels: list[ChannelRef]) -> int:
    """Apply a teamRenamed or channelRenamed event to the stored names; how many changed."""
    changed = 0
    for channel in channels:
        org, current = await stored_names(core, channel)
        if current is None or org is None:
            continue  # not a study channel: nothing stored to rename
        team_part, _, channel_part = current.partition(" › ")
        if event == "teamRenamed" and who.team_name:
            name = f"{who.team_name} › {channel_part or GENERAL}"
        elif event == "channelRenamed" and who.channel_name and channel == who.channel:
            name = f"{who.team_name or team_part} › {who.channel_name}"
        else:
            continue
        await register_team(core, RegisterTeam(channel, org, name))
        changed += 1
    return changed
