"""Pacing of outbound posts: at most one message per second per channel, and a rate per
workspace or tenant, so that a scheduled minute fans out without tripping platform limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.ports import ChannelRef


@dataclass
class Pacer:
    per_channel_interval: float = 1.0  # seconds between two posts to one channel
    per_org_rate: float = 10.0  # posts per second to one workspace or tenant
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _next_channel: dict[tuple[str, str, str], float] = field(default_factory=dict)
    _next_org: dict[tuple[str, str], float] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait_turn(self, channel: ChannelRef) -> None:
        """Reserve the next slot this channel and its organisation allow, then sleep until it."""
        org = (channel.platform, channel.org_external_id)
        key = (channel.platform, channel.org_external_id, channel.channel_id)
        async with self._lock:
            now = self.monotonic()
            at = max(now, self._next_channel.get(key, 0.0), self._next_org.get(org, 0.0))
            self._next_channel[key] = at + self.per_channel_interval
            self._next_org[org] = at + 1.0 / self.per_org_rate
        if at > now:
            await self.sleep(at - now)

    def back_off(self, channel: ChannelRef, seconds: float) -> None:
        """The platform said to slow down (429 Retry-After): hold the whole organisation."""
        org = (channel.platform, channel.org_external_id)
        self._next_org[org] = max(self._next_org.get(org, 0.0), self.monotonic() + seconds)
