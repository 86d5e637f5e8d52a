"""Keeps the answer count on a posted question current: one chat.update per interval at most."""

from __future__ import annotations

import asyncio
import logging

from adapters.slack.background import Background
from adapters.slack.platform import SlackPlatform
from bot.drop_life.reading import get_drop, reveal_of, show_drop
from bot.errors import StudybotError
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core

log = logging.getLogger("studybot.slack")
RATE_LIMIT_PAUSE = 30.0  # seconds without count refreshes after a 429 that named no wait


class AnswerCountRefresher:
    """Coalesces a burst of answers into one message update; never overwrites a reveal."""

    def __init__(
        self, core: Core, platform: SlackPlatform, background: Background, interval: float
    ) -> None:
        self._core = core
        self._platform = platform
        self._background = background  # the refreshes are follow-ups like the others
        self._interval = interval  # chat.update allows about 50 a minute per workspace
        self._pending: set[int] = set()
        self._quiet_until: dict[str, float] = {}  # workspace → loop time Slack asked us to wait

    def touch(self, channel: ChannelRef, drop_id: int) -> None:
        """An answer was recorded: refresh the count soon (once for the whole burst)."""
        if drop_id in self._pending:
            return
        self._pending.add(drop_id)
        self._background.spawn(self._refresh(channel, drop_id), "answer count refresh")

    async def _refresh(self, channel: ChannelRef, drop_id: int) -> None:
        try:
            await asyncio.sleep(self._interval)
        finally:
            self._pending.discard(drop_id)
        workspace = channel.org_external_id
        if asyncio.get_running_loop().time() < self._quiet_until.get(workspace, 0.0):
            return  # rate limited: skip; the next answer after the pause refreshes the count
        try:
            async with self._core.db.read() as conn:
                drop = await get_drop(conn, drop_id, channel)
            if drop.message_id is None or not drop.is_open(self._core.clock.now()):
                return
            card = await show_drop(self._core, drop_id, channel)
            await self._platform.refresh_question(drop.channel, drop.message_id, card)
            async with self._core.db.read() as conn:
                drop = await get_drop(conn, drop_id, channel)
            if drop.message_id is not None and not drop.is_open(self._core.clock.now()):
                # The window closed while we updated, so the reveal may have landed before our
                # update (it is marked revealed only after it landed): put the reveal back.
                reveal = await reveal_of(self._core, drop_id, channel)
                await self._platform.update_question(drop.channel, drop.message_id, reveal)
        except DeliveryError as exc:
            if not exc.permanent:  # 429 / 5xx: leave this workspace's messages alone a while
                pause = exc.retry_after if exc.retry_after is not None else RATE_LIMIT_PAUSE
                self._quiet_until[workspace] = asyncio.get_running_loop().time() + pause
            log.info("answer count of drop %s not refreshed: %s", drop_id, exc)
        except StudybotError as exc:
            log.info("answer count of drop %s not refreshed: %s", drop_id, exc)
