"""Waiting for something to happen by polling, with a deadline generous enough for a loaded
machine: a poll returns as soon as its condition holds, so the deadline costs nothing."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable

PATIENCE_SECONDS = 60.0


async def until(
    predicate: Callable[[], object], within: float = PATIENCE_SECONDS, what: str = "a condition"
) -> None:
    """Poll `predicate` (plain or async) until it is truthy; AssertionError naming `what` after
    `within` s."""
    deadline = time.monotonic() + within
    while not await _holds(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:g} s waiting for {what}")
        await asyncio.sleep(0.005)


async def _holds(predicate: Callable[[], object]) -> bool:
    result = predicate()
    if inspect.isawaitable(result):
        result = await result
    return bool(result)
