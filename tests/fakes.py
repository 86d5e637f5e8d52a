"""Test doubles injected through the same seams the service uses: a clock and a chat platform."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from adapters.plain_text import daily_result_text, weekly_digest_text
from bot.ports import ChannelRef, DeliveryError
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class VirtualTime:
    """A monotonic clock that moves only when someone sleeps: pacing without waiting. `waits`
    records each sleep asked for."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class FakePlatform:
    """Records what the core asked a chat platform to do; can be told to fail.

    The daily result and the weekly digest are kept as view models and, rendered as plain
    text, in `texts` too: what the channel reads.
    """

    platform: str = "fake"
    posted: list[tuple[ChannelRef, QuestionCard]] = field(default_factory=list)
    updated: list[tuple[ChannelRef, str, RevealCard]] = field(default_factory=list)
    texts: list[tuple[ChannelRef, str]] = field(default_factory=list)
    results: list[tuple[ChannelRef, DailyResult]] = field(default_factory=list)
    digests: list[tuple[ChannelRef, WeeklyDigest]] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)  # raised by the next calls
    lookups: list[tuple[ChannelRef, int, datetime | None]] = field(default_factory=list)
    directs: list[tuple[ChannelRef, str, str]] = field(default_factory=list)  # channel, user, text
    direct_failures: list[Exception] = field(default_factory=list)  # raised by the next DMs

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        self._maybe_fail()
        self.posted.append((channel, card))
        return f"msg-{card.drop_id}"

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        self._maybe_fail()
        self.updated.append((channel, message_id, card))

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        self._maybe_fail()
        self.texts.append((channel, text))
        return f"text-{len(self.texts)}"

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        message_id = await self.post_text(channel, daily_result_text(result))
        self.results.append((channel, result))
        return message_id

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        message_id = await self.post_text(channel, weekly_digest_text(digest))
        self.digests.append((channel, digest))
        return message_id

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        """A private message to one person; fails apart from the channel posts."""
        if self.direct_failures:
            raise self.direct_failures.pop(0)
        self.directs.append((channel, user_id, text))
        return f"direct-{len(self.directs)}"

    async def find_question(
        self, channel: ChannelRef, drop_id: int, since: datetime | None = None
    ) -> str | None:
        """Like searching the channel for the message whose metadata names the drop."""
        self.lookups.append((channel, drop_id, since))
        found = [c for ch, c in self.posted if ch == channel and c.drop_id == drop_id]
        return f"msg-{drop_id}" if found else None
