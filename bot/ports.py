"""Ports the core depends on: the clock and the outbound chat platform each adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class ChannelRef:
    """Where a team lives: the platform, the workspace or tenant id, and the channel id."""

    platform: str
    org_external_id: str
    channel_id: str


class DeliveryError(Exception):
    """A platform refused or failed a delivery; `permanent` means retrying will not help."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        rate_limited: bool = False,  # the platform answered 429 (counted apart in the metrics)
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class ChatPlatform(Protocol):
    """What the core asks of a chat platform; Slack, Teams and the web playground implement it."""

    platform: str

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        """Post a question; return the platform's message id."""
        ...

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        """Replace the posted question with its reveal."""
        ...

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        """Post a plain message to the channel; return its message id."""
        ...

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        """Post how the team did on a revealed question; return the message id."""
        ...

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        """Post last week's leaderboards; return the message id."""
        ...

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        """Send one person of the channel's organisation a private message in their own chat
        with the app (a Slack DM, a Teams personal chat); return its message id."""
        ...


class DashboardLinks(Protocol):
    """Makes a signed, expiring dashboard link for one organisation and role (see adapters/web)."""

    def __call__(self, *, platform: str, workspace: str, role: str) -> str: ...
