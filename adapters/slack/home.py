"""App Home: the member's progress per domain, streak and the drops of their study channels."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.dedupe import once_per_event
from adapters.slack.deps import SlackDeps
from adapters.slack.mrkdwn import Block, context_block, escape, local_date, section_block
from adapters.slack.render_reports import progress_blocks
from adapters.slack.translate import PLATFORM
from bot.domain.occurrences import next_occurrences
from bot.domain.schedule import Schedule
from bot.drop_life.reading import DropRecord, recent_drops
from bot.errors import NotFoundError
from bot.service.commands import ShowProgress
from bot.service.context import Core
from bot.service.leaderboards import show_progress
from bot.service.memberships import member_channels
from bot.service.schedules import get_schedule

log = logging.getLogger("studybot.slack")
MAX_CHANNELS = 10  # each channel takes up to 6 blocks; a Home tab holds 100


def register_home(app: AsyncApp, deps: SlackDeps) -> None:
    @app.event("app_home_opened", middleware=[once_per_event(deps.core)])
    async def on_home_opened(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("tab") != "home" or not context.team_id:
            return
        team_id, user_id = context.team_id, str(event.get("user", ""))

        async def publish() -> None:
            view = await home_view(deps.core, team_id, user_id)
            await client.views_publish(user_id=user_id, view=view)

        deps.background.spawn(publish(), "App Home")


async def home_view(core: Core, team_id: str, user_id: str) -> dict[str, Any]:
    """The Home tab for one member of one workspace."""
    blocks: list[Block] = [section_block("*Your AZ-400 study progress*")]
    channels = await member_channels(core, PLATFORM, team_id, user_id)
    if not channels:
        blocks.append(
            section_block(
                "You have not answered a question yet. Answer the next one in a study channel "
                "(any channel studybot was invited to) and your progress shows up here."
            )
        )
    now = core.clock.now()
    for channel in channels[:MAX_CHANNELS]:
        try:
            progress = await show_progress(core, ShowProgress(channel, user_id))
        except NotFoundError:
            continue
        blocks.append({"type": "divider"})
        blocks += progress_blocks(progress)
        open_drops = [d for d in await recent_drops(core, channel, limit=3) if d.is_open(now)]
        schedule = await get_schedule(core, channel)
        blocks.append(context_block(_next_text(channel.channel_id, schedule, now)))
        if open_drops:
            blocks.append(section_block("\n".join(_open_line(d) for d in open_drops)))
    if len(channels) > MAX_CHANNELS:
        blocks.append(context_block(f"…and {len(channels) - MAX_CHANNELS} more study channels."))
    blocks.append(context_block("Type `/studybot help` in a study channel for every command."))
    return {"type": "home", "blocks": blocks}


def _next_text(channel_id: str, schedule: Schedule | None, now: datetime) -> str:
    where = f"<#{channel_id}>"
    if schedule is None:
        return f"{where}: no schedule yet; an admin sets one with `/studybot schedule`."
    if not schedule.active:
        return f"{where}: the schedule is paused."
    days = ", ".join(d.capitalize() for d in schedule.day_names())
    pattern = (
        f"{days} at {schedule.local_time:%H:%M} ({escape(schedule.timezone)}), "
        f"open {schedule.window_text()}"
    )
    upcoming = next_occurrences(schedule, now, 1)
    if not upcoming:
        return f"{where}: no more questions scheduled ({pattern})."
    return f"{where}: next question {local_date(upcoming[0].due_at, schedule.timezone)} · {pattern}"


def _open_line(drop: DropRecord) -> str:
    return (
        f":large_green_circle: Question #{drop.seq} in <#{drop.channel.channel_id}> is open "
        f"until {local_date(drop.closes_at, drop.timezone)}"
    )
