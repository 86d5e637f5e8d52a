"""A ChatPlatform that talks HTTP (aiohttp, as slack_sdk does) to the loopback chat server,
mapping its answers the way the real doors do: 429 and 5xx are retryable (with Retry-After),
403/404 are permanent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp

from adapters.plain_text import daily_result_text, weekly_digest_text
from bot.ports import ChannelRef, DeliveryError
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest


class HttpChatPlatform:
    def __init__(self, base_url: str, *, platform: str = "loop", replica: str = "") -> None:
        self.platform = platform
        self._base = base_url
        self._replica = replica
        self._session: aiohttp.ClientSession | None = None

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        if self._session is None:  # created inside the running event loop
            self._session = aiohttp.ClientSession(
                self._base,
                headers={"X-Replica": self._replica},
                connector=aiohttp.TCPConnector(),  # aiohttp's default limit, as slack_sdk uses
                timeout=aiohttp.ClientTimeout(total=10),
            )
        try:
            async with self._session.request(method, path, **kwargs) as response:
                if response.status == 429 or response.status >= 500:
                    retry_after = response.headers.get("Retry-After")
                    raise DeliveryError(
                        f"HTTP {response.status}",
                        permanent=False,
                        retry_after=float(retry_after) if retry_after else None,
                    )
                if response.status >= 400:
                    raise DeliveryError(
                        f"HTTP {response.status}: {await response.text()}", permanent=True
                    )
                data: dict[str, Any] = await response.json()
                return data
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"network error: {exc}", permanent=False) from None

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        data = await self._call(
            "POST",
            "/chat/post",
            json={
                "org": channel.org_external_id,
                "channel": channel.channel_id,
                "drop_id": card.drop_id,
                "text": card.stem,
            },
        )
        return str(data["ts"])

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        await self._call(
            "POST",
            "/chat/update",
            json={"org": channel.org_external_id, "channel": channel.channel_id, "ts": message_id},
        )

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        data = await self._call(
            "POST",
            "/chat/text",
            json={"org": channel.org_external_id, "channel": channel.channel_id, "text": text},
        )
        return str(data["ts"])

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        return await self.post_text(channel, daily_result_text(result))

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        return await self.post_text(channel, weekly_digest_text(digest))

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        data = await self._call(
            "POST",
            "/chat/direct",
            json={"org": channel.org_external_id, "user": user_id, "text": text},
        )
        return str(data["ts"])

    async def find_question(
        self, channel: ChannelRef, drop_id: int, since: datetime | None = None
    ) -> str | None:
        data = await self._call(
            "GET",
            "/chat/find",
            params={
                "org": channel.org_external_id,
                "channel": channel.channel_id,
                "drop_id": str(drop_id),
            },
        )
        ts = data.get("ts")
        return str(ts) if ts else None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
