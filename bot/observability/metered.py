"""Counts every call the core makes to a chat platform: ok, rate limited (429) or failed."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from bot.observability.metrics import CHAT_CALLS
from bot.ports import DeliveryError


class MeteredPlatform:
    """A ChatPlatform that counts its calls in studybot_chat_api_calls_total; otherwise the same."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.platform: str = inner.platform

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        return _metered(self.platform, name, attr)


def _metered(platform: str, call: str, method: Callable[..., Any]) -> Callable[..., Any]:
    async def counted(*args: Any, **kwargs: Any) -> Any:
        try:
            result = await method(*args, **kwargs)
        except DeliveryError as exc:
            CHAT_CALLS.labels(platform, call, "rate_limited" if exc.rate_limited else "error").inc()
            raise
        except Exception:
            CHAT_CALLS.labels(platform, call, "error").inc()
            raise
        CHAT_CALLS.labels(platform, call, "ok").inc()
        return result

    return counted
