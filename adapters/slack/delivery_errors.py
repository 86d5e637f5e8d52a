"""Turns Slack Web API failures into the core's DeliveryError (transient or permanent)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackTokenRotationError

from bot.domain.backoff import retry_after
from bot.ports import DeliveryError

# Error codes Slack answers with ok=false that are worth retrying later.
TRANSIENT_CODES = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def translate(exc: BaseException, action: str) -> DeliveryError:
    """The DeliveryError for a failed call; `action` names what was being done, for the log."""
    if isinstance(exc, SlackTokenRotationError):
        exc = exc.api_error
    if isinstance(exc, SlackApiError):
        response: Any = exc.response
        status = int(getattr(response, "status_code", getattr(response, "status", 0)) or 0)
        data = getattr(response, "data", None)
        code = data.get("error") if isinstance(data, Mapping) else None
        wait = retry_after(getattr(response, "headers", None))
        reason = f"Slack refused to {action}: HTTP {status}" + (f", {code}" if code else "")
        if status == 429 or code == "ratelimited":
            return DeliveryError(reason, permanent=False, retry_after=wait, rate_limited=True)
        if status >= 500 or status == 412 or code in TRANSIENT_CODES:
            return DeliveryError(reason, permanent=False, retry_after=wait)
        return DeliveryError(reason, permanent=True)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | SlackClientError | OSError):
        return DeliveryError(f"Slack could not be reached to {action}: {exc}", permanent=False)
    raise exc


def error_code(exc: SlackApiError) -> str:
    """Slack's error code from a failed call (or the HTTP status when the body was not JSON)."""
    response: Any = exc.response
    data = getattr(response, "data", None)
    if isinstance(data, Mapping) and isinstance(data.get("error"), str):
        return str(data["error"])
    return f"HTTP {getattr(response, 'status_code', getattr(response, 'status', '?'))}"
