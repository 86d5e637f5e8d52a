"""Keeps a posted question's answer count live: one paced card update per drop at a time.

A door calls `answered` after each recorded answer; once the interval has passed the drop's
shared card is updated through `refresh` (`shared_card_refresh`: count_refresh's
refresh_shared_count, which never leaves the question over a reveal), and answers meanwhile join
that update. Updates go through their own Pacer, apart from the drop engine's posts; a 429 holds
the organisation for its Retry-After and the update is tried again. The update is cosmetic: a
failure is logged, and nothing here ever delays an answer. Slack and Teams each run one, with
their own interval and pacing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.drop_life.count_refresh import SharedCard, refresh_shared_count
from bot.errors import NotFoundError
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from bot.service.pacing import Pacer

log = logging.getLogger("studybot.live_count")
MAX_RETRIES = 5  # a failed update is tried again (with the reveal put back if it has run)
RATE_LIMIT_PAUSE = 30.0  # seconds the organisation is left alone after a 429 that named no wait


class Refresh(Protocol):
    def __call__(self, channel: ChannelRef, drop_id: int, *, repair: bool) -> Awaitable[bool]: ...


def shared_card_refresh(core: Core, door: SharedCard) -> Refresh:
    """What a door's LiveCount runs: the core's race-safe count refresh, through that door."""

    async def refresh(channel: ChannelRef, drop_id: int, *, repair: bool) -> bool:
        return await refresh_shared_count(core, door, channel, drop_id, repair=repair)

    return refresh


class LiveCount:
    def __init__(
        self,
        refresh: Refresh,
        *,
        interval: float,
        pacer: Pacer,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._refresh = refresh
        self._interval = interval
        self._pacer = pacer
        self._sleep = sleep
        self._pending: dict[tuple[str, str, int], asyncio.Task[None]] = {}
        self._again: set[tuple[str, str, int]] = set()  # answered while an update was under way
        self._closed = False  # after a stop, answers no longer start updates

    def answered(self, channel: ChannelRef, drop_id: int) -> None:
        """An answer to the drop was recorded: update its shared card soon (once)."""
        if self._closed:
            return
        key = (channel.platform, channel.org_external_id, drop_id)
        if key in self._pending:
            self._again.add(key)  # the update under way may have read the count before it
            return
        self._pending[key] = asyncio.create_task(self._update(key, channel, drop_id))

    async def _update(self, key: tuple[str, str, int], channel: ChannelRef, drop_id: int) -> None:
        try:
            attempt = 0
            while attempt <= MAX_RETRIES:
                await self._sleep(self._interval)
                self._again.discard(key)
                try:
                    async with self._pacer.turn(channel):
                        await self._refresh(channel, drop_id, repair=attempt > 0)
                except DeliveryError as exc:
                    log.info("answer count update for drop %s failed: %s", drop_id, exc)
                    if exc.permanent:
                        return
                    pause = exc.retry_after  # Retry-After: 0 means at once
                    if pause is None and exc.rate_limited:
                        pause = RATE_LIMIT_PAUSE
                    if pause:
                        self._pacer.back_off(channel, pause)
                    attempt += 1
                    continue
                if key not in self._again:
                    return
                attempt = 0  # more answers came in meanwhile: one more update
        except NotFoundError:
            pass  # the drop is gone (the team was removed)
        except Exception:  # a bug must not take the answer path with it
            log.exception("answer count update for drop %s failed", drop_id)
        finally:
            self._pending.pop(key, None)
            self._again.discard(key)

    @property
    def pending(self) -> int:
        """How many drops have an update waiting or under way."""
        return len(self._pending)

    async def settle(self) -> None:
        """Wait for every pending update (tests; a stop may cancel them instead)."""
        while self._pending:
            await asyncio.gather(*self._pending.values(), return_exceptions=True)
            self._forget_finished()

    async def aclose(self) -> None:
        """Cancel the pending updates (at a stop) and wait for them to end."""
        self._closed = True
        tasks = list(self._pending.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._forget_finished()

    def _forget_finished(self) -> None:
        """A task cancelled before it first ran never reached its own clean-up."""
        for key, task in list(self._pending.items()):
            if task.done():
                del self._pending[key]
                self._again.discard(key)
