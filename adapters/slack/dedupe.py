"""Handles each Slack event once: Slack retries events and replicas share the work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt import BoltResponse

from adapters.slack.translate import PLATFORM
from bot.service.context import Core
from bot.service.events import first_delivery

Next = Callable[[], Awaitable[None]]
Middleware = Callable[[dict[str, Any], Next], Awaitable[BoltResponse | None]]


def once_per_event(core: Core) -> Middleware:
    """Listener middleware: Slack retries events and replicas share the work, so each event_id
    is handled once. Only event listeners take it; interactions and commands never pay for it."""

    async def middleware(body: dict[str, Any], next: Next) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await first_delivery(core, PLATFORM, event_id):
            return BoltResponse(status=200, body="")
        await next()
        return None

    return middleware
