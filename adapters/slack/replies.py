"""Private replies through a click's response_url, over kept-alive connections."""

from __future__ import annotations

import json
import logging
import ssl
from typing import Any

from adapters.slack.hook_client import HookClient, HookError

log = logging.getLogger("studybot.slack")
TIMEOUT_SECONDS = 10.0


class PrivateReplies:
    """Posts ephemeral replies; bolt's respond() would open a new connection for each one."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._client = HookClient(timeout=TIMEOUT_SECONDS, ssl_context=ssl_context)

    async def send(self, response_url: str, message: dict[str, Any]) -> bool:
        """Post the reply; False (logged) when Slack did not take it. Never raises."""
        body = {"response_type": "ephemeral", "replace_original": False, **message}
        try:
            status, answer = await self._client.post_json(response_url, json.dumps(body).encode())
        except HookError as exc:
            log.warning("private reply not delivered: %s", exc)
            return False
        if status != 200:
            reason = answer[:200].decode("utf-8", "replace")
            log.warning("private reply refused: HTTP %s %s", status, reason)
            return False
        return True

    async def aclose(self) -> None:
        await self._client.aclose()
