"""Work that follows an acknowledgement (private replies, Slack calls), as tracked asyncio tasks.

The door acknowledges as soon as what matters is stored and does the rest here, so bolt never
has to poll for the ack. These tasks die with the process: only work that may be lost (a reply,
a welcome message) goes here; answers and registrations are written before the ack.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("studybot.slack")


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, object], what: str) -> None:
        task = asyncio.create_task(self._run(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, work: Coroutine[Any, Any, object], what: str) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack follow-up failed: %s", what)

    async def settle(self) -> None:
        """Wait until the follow-ups already started have finished (tests; a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel what is still running (at shutdown) and wait for it to stop."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
