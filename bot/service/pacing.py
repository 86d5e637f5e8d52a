"""Pacing of outbound posts: at most one message per second per channel, and at most N posts in
any rolling second per workspace or tenant, so that a scheduled minute fans out as fast as the
platform allows without tripping its limits."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.ports import ChannelRef

SAFETY = 0.05  # seconds added to each window: our clock and the platform's are not the same
WINDOW = 1.0 + SAFETY
IN_FLIGHT, DONE = 0.0, 1.0


@dataclass
class Pacer:
    per_channel_interval: float = 1.0  # seconds between two posts to one channel
    per_org_rate: int = 10  # posts in any rolling second to one workspace or tenant
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _slots: dict[tuple[str, str], list[list[float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _channel_last: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    _blocked: dict[tuple[str, str], float] = field(default_factory=dict)
    _locks: dict[tuple[str, str], asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )

    @asynccontextmanager
    async def turn(self, channel: ChannelRef) -> AsyncIterator[None]:
        """Wait until both limits allow a post, then post inside the block.

        Turns are granted one at a time per organisation. A post occupies the window from when
        it starts until it has completed: the platform counts arrivals, and a busy process or a
        slow answer makes a post arrive later than it was sent.
        """
        org = (channel.platform, channel.org_external_id)
        key = (*org, channel.channel_id)
        async with self._locks[org]:
            while (wait := self._wait(org, key, self.monotonic())) > 0:
                await self.sleep(wait)
            slot = [self.monotonic(), IN_FLIGHT]
            self._slots[org].append(slot)
            self._channel_last[key] = slot
        try:
            yield
        finally:
            slot[0], slot[1] = max(slot[0], self.monotonic()), DONE

    def _wait(self, org: tuple[str, str], key: tuple[str, str, str], now: float) -> float:
        """Seconds until a post may start; a post still in flight counts as arriving now."""
        slots = self._slots[org]
        slots[:] = [s for s in slots if s[1] == IN_FLIGHT or s[0] > now - WINDOW]
        waits = [self._blocked.get(org, 0.0) - now]
        if len(slots) >= self.per_org_rate:
            times = sorted(now if s[1] == IN_FLIGHT else s[0] for s in slots)
            waits.append(times[len(times) - self.per_org_rate] + WINDOW - now)
        last = self._channel_last.get(key)
        if last is not None:
            done_at = now if last[1] == IN_FLIGHT else last[0]
            waits.append(done_at + self.per_channel_interval + SAFETY - now)
        return max(waits)

    def back_off(self, channel: ChannelRef, seconds: float) -> None:
        """The platform said to slow down (429 Retry-After): hold the whole organisation."""
        org = (channel.platform, channel.org_external_id)
        self._blocked[org] = max(self._blocked.get(org, 0.0), self.monotonic() + seconds)
