"""Who may administer studybot in a Slack channel: workspace admins and owners, and study admins."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery_errors import error_code
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.admins import is_study_admin
from bot.service.context import Core

log = logging.getLogger("studybot.slack")

REFUSAL = (
    "Only workspace admins and owners, and the study admins they name for this channel, "
    "can do that. Nothing was changed."
)


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    timezone: str | None
    workspace_admin: bool


async def look_up(client: AsyncWebClient, user_id: str) -> SlackUser:
    """The person's name, time zone and whether Slack says they administer the workspace."""
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        log.warning("users.info failed for a user: %s", error_code(exc))
        return SlackUser(user_id, user_id, None, False)
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("name") or user_id
    return SlackUser(
        id=user_id,
        name=str(name),
        timezone=user.get("tz") if isinstance(user.get("tz"), str) else None,
        workspace_admin=bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        ),
    )


async def may_administer(core: Core, user: SlackUser, channel: ChannelRef) -> bool:
    """Workspace admins and owners anywhere; study admins in their own channel only."""
    if user.workspace_admin:
        return True
    try:
        return await is_study_admin(core, channel, user.id)
    except NotFoundError:
        return False
