"""Private replies through a click's response_url, over kept-alive connections."""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.request import getproxies

import aiohttp
from opentelemetry.trace import SpanKind

from adapters.slack.hook_client import HookClient, HookError
from bot.observability.tracing import tracer

log = logging.getLogger("studybot.slack")
TIMEOUT_SECONDS = 10.0


class PrivateReplies:
    """Posts ephemeral replies; bolt's respond() would open a new connection for each one.

    Where the environment names an outbound proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), replies
    go through aiohttp, which honours it; otherwise through the faster HookClient.
    """

    def __init__(
        self, ssl_context: ssl.SSLContext | None = None, proxies: Mapping[str, str] | None = None
    ) -> None:
        found = getproxies() if proxies is None else proxies
        self._via_proxy = bool(found.get("https") or found.get("http"))
        self._client = HookClient(timeout=TIMEOUT_SECONDS, ssl_context=ssl_context)
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None

    async def send(self, response_url: str, message: dict[str, Any]) -> bool:
        """Post the reply; False (logged) when Slack did not take it. Never raises."""
        body = json.dumps({"response_type": "ephemeral", "replace_original": False, **message})
        try:
            with tracer.start_as_current_span("slack.reply", kind=SpanKind.CLIENT) as span:
                if self._via_proxy:
                    status, answer = await self._post_via_proxy(response_url, body.encode())
                else:
                    status, answer = await self._client.post_json(response_url, body.encode())
                span.set_attribute("http.response.status_code", status)
        except (HookError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("private reply not delivered: %s", exc or type(exc).__name__)
            return False
        if status != 200:
            reason = answer[:200].decode("utf-8", "replace")
            log.warning("private reply refused: HTTP %s %s", status, reason)
            return False
        return True

    async def _post_via_proxy(self, url: str, body: bytes) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
                trust_env=True,
                connector=aiohttp.TCPConnector(ssl=self._ssl if self._ssl else True),
            )
        headers = {"Content-Type": "application/json; charset=utf-8"}
        async with self._session.post(url, data=body, headers=headers) as response:
            return response.status, (await response.content.read(1 << 16))

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._session is not None:
            await self._session.close()
