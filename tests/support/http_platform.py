"""A ChatPlatform that talks HTTP to the loopback chat server, mapping its answers the way the
real doors do: 429 and 5xx are retryable (with Retry-After), 403/404 are permanent."""

from __future__ import annotations

import httpx

from bot.ports import ChannelRef, DeliveryError
from bot.service.views import QuestionCard, RevealCard


class HttpChatPlatform:
    def __init__(self, base_url: str, *, platform: str = "loop", replica: str = "") -> None:
        self.platform = platform
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=10,
            headers={"X-Replica": replica},
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=200),
        )

    async def _call(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        try:
            response = await self._client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as exc:
            raise DeliveryError(f"network error: {exc}", permanent=False) from None
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After")
            raise DeliveryError(
                f"HTTP {response.status_code}",
                permanent=False,
                retry_after=float(retry_after) if retry_after else None,
            )
        if response.status_code >= 400:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text}", permanent=True)
        data: dict[str, object] = response.json()
        return data

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

    async def find_question(self, channel: ChannelRef, drop_id: int) -> str | None:
        data = await self._call(
            "GET",
            "/chat/find",
            params={
                "org": channel.org_external_id,
                "channel": channel.channel_id,
                "drop_id": drop_id,
            },
        )
        ts = data.get("ts")
        return str(ts) if ts else None

    async def close(self) -> None:
        await self._client.aclose()
