"""Bot token rotation as bolt does it (refresh within 120 minutes of expiry), once at a time."""

from __future__ import annotations

import asyncio
import time

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

ROTATE_BEFORE_MINUTES = 120  # bolt's default token_rotation_expiration_minutes
STILL_VALID_SECONDS = 60  # a token expiring later than this is still used while it is refreshed


class TokenRefresher:
    """Refreshes a workspace's rotating bot token and saves it; concurrent callers share one
    oauth.v2.access call per workspace (Slack's refresh token is used once)."""

    def __init__(self, store: AsyncInstallationStore, rotator: AsyncTokenRotator) -> None:
        self._store = store
        self._rotator = rotator
        self._running: dict[tuple[str | None, str | None], asyncio.Task[Bot]] = {}

    @staticmethod
    def due(bot: Bot, now: float | None = None) -> bool:
        """Whether the token rotates and expires within ROTATE_BEFORE_MINUTES."""
        expires = bot.bot_token_expires_at
        if not bot.bot_refresh_token or expires is None:
            return False
        return expires <= (time.time() if now is None else now) + ROTATE_BEFORE_MINUTES * 60

    @staticmethod
    def usable(bot: Bot, now: float | None = None) -> bool:
        """Whether the stored token can still be used for a while (it may be due all the same)."""
        expires = bot.bot_token_expires_at
        return expires is None or expires > (time.time() if now is None else now) + (
            STILL_VALID_SECONDS
        )

    def refresh(self, bot: Bot) -> asyncio.Task[Bot]:
        """The running refresh for the bot's workspace, started if none is; the task's result is
        the refreshed (and saved) bot, or the same bot when Slack says no rotation is needed."""
        key = (bot.enterprise_id, bot.team_id)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(self._refresh(bot))
            self._running[key] = task
            task.add_done_callback(lambda _: self._running.pop(key, None))
        return task

    async def _refresh(self, bot: Bot) -> Bot:
        refreshed = await self._rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
        )
        if refreshed is None:
            return bot
        await self._store.async_save_bot(refreshed)
        return refreshed
