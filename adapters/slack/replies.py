"""Private replies through a click's response_url, over one pooled HTTP session."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

log = logging.getLogger("studybot.slack")
TIMEOUT = aiohttp.ClientTimeout(total=10)


class PrivateReplies:
    """Posts ephemeral replies; bolt's respond() would open a new connection for each one."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def send(self, response_url: str, message: dict[str, Any]) -> bool:
        """Post the reply; False (logged) when Slack did not take it. Never raises."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        body = {"response_type": "ephemeral", "replace_original": False, **message}
        try:
            async with self._session.post(response_url, json=body) as response:
                if response.status != 200:
                    reason = (await response.text())[:200]
                    log.warning("private reply refused: HTTP %s %s", response.status, reason)
                    return False
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("private reply not delivered: %s", exc)
            return False
        return True

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
