"""Workspace lifecycle: the bot joins a channel (register + welcome), uninstall and revocation."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.dedupe import once_per_event
from adapters.slack.delivery_errors import error_code
from adapters.slack.deps import SlackDeps
from adapters.slack.render_reports import welcome_message
from adapters.slack.translate import PLATFORM, channel_ref
from bot.service.commands import RegisterTeam
from bot.service.directory import register_team
from bot.service.lifecycle import deactivate_organisation

log = logging.getLogger("studybot.slack")


def register_lifecycle(app: AsyncApp, deps: SlackDeps) -> None:
    core = deps.core
    once = [once_per_event(core)]

    @app.event("member_joined_channel", middleware=once)
    async def on_member_joined(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("user") != context.bot_user_id or not context.team_id:
            return
        team_id, channel_id = context.team_id, str(event.get("channel", ""))

        async def register_and_welcome() -> None:
            org_name = await _name(client.team_info(), "team", team_id)
            team_name = await _name(
                client.conversations_info(channel=channel_id), "channel", channel_id
            )
            await register_team(
                core, RegisterTeam(channel_ref(team_id, channel_id), org_name, team_name)
            )
            await client.chat_postMessage(channel=channel_id, **welcome_message())

        deps.background.spawn(register_and_welcome(), "welcome")

    @app.event("app_uninstalled", middleware=once)
    async def on_uninstalled(context: AsyncBoltContext) -> None:
        await _switch_off(deps, context)

    @app.event("tokens_revoked", middleware=once)
    async def on_tokens_revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await _switch_off(deps, context)


async def _switch_off(deps: SlackDeps, context: AsyncBoltContext) -> None:
    if not context.team_id and not context.enterprise_id:
        return
    if context.team_id:
        await deactivate_organisation(deps.core, PLATFORM, context.team_id)
    if deps.installations is not None:
        await deps.installations.async_delete_all(
            enterprise_id=context.enterprise_id, team_id=context.team_id
        )
    log.info("Slack workspace %s removed studybot; its tokens are deleted", context.team_id)


async def _name(call: Any, key: str, fallback: str) -> str:
    try:
        response = await call
    except SlackApiError as exc:
        log.info("no %s name from Slack: %s", key, error_code(exc))
        return fallback
    item = response.get(key) or {}
    return str(item.get("name") or fallback)
