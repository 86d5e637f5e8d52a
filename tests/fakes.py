"""Test doubles injected through the same seams the service uses: a clock and a chat platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.ports import ChannelRef
from bot.service.views import QuestionCard, RevealCard


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class FakePlatform:
    """Records what the core asked a chat platform to do."""

    platform: str = "fake"
    posted: list[tuple[ChannelRef, QuestionCard]] = field(default_factory=list)
    updated: list[tuple[ChannelRef, str, RevealCard]] = field(default_factory=list)
    texts: list[tuple[ChannelRef, str]] = field(default_factory=list)

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        self.posted.append((channel, card))
        return f"msg-{len(self.posted)}"

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        self.updated.append((channel, message_id, card))

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        self.texts.append((channel, text))
        return f"text-{len(self.texts)}"
