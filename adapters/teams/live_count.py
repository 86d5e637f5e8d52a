"""Keeps the shared question card's answer count live: one paced card update per drop at a time.

After a recorded answer the drop's shared card is updated once the interval has passed (later
answers meanwhile join that update). Updates go through their own Pacer (a few a second per
tenant, at most one a second per channel), apart from the drop engine's posts; a 429 holds the
tenant for its Retry-After. The update is cosmetic: a failure is logged and the next answer tries
again, and nothing here ever delays an answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.errors import NotFoundError
from bot.ports import ChannelRef, DeliveryError
from bot.service.pacing import Pacer

log = logging.getLogger("studybot.teams")
INTERVAL = 15.0  # seconds between two updates of one drop's shared card
PER_TENANT_RATE = 2  # count updates in any rolling second to one tenant

MAX_RETRIES = 5  # a failed update is tried again (with the reveal put back if it has run)


class Refresh(Protocol):
    def __call__(self, channel: ChannelRef, drop_id: int, *, repair: bool) -> Awaitable[bool]: ...


class LiveCount:
    def __init__(
        self,
        refresh: Refresh,
        *,
        interval: float = INTERVAL,
        pacer: Pacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._refresh = refresh
        self._interval = interval
        self._pacer = pacer or Pacer(per_channel_interval=1.0, per_org_rate=PER_TENANT_RATE)
        self._sleep = sleep
        self._pending: dict[tuple[str, str, int], asyncio.Task[None]] = {}
        self._again: set[tuple[str, str, int]] = set()  # answered while an update was under way

    def answered(self, channel: ChannelRef, drop_id: int) -> None:
        """An answer to the drop was recorded: update its shared card soon (once)."""
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
                    log.info("Teams answer count update for drop %s failed: %s", drop_id, exc)
                    if exc.permanent:
                        return
                    if exc.retry_after:
                        self._pacer.back_off(channel, exc.retry_after)
                    attempt += 1
                    continue
                if key not in self._again:
                    return
                attempt = 0  # more answers came in meanwhile: one more update
        except NotFoundError:
            pass  # the drop is gone (the team was removed)
        except Exception:  # a bug must not take the answer path with it
            log.exception("Teams answer count update for drop %s failed", drop_id)
        finally:
            self._pending.pop(key, None)
            self._again.discard(key)

    async def settle(self) -> None:
        """Wait for every pending update (tests; a stop may cancel them instead)."""
        while self._pending:
            await asyncio.gather(*self._pending.values(), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._pending.values():
            task.cancel()
