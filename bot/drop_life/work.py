"""The delivery engine's settings and its work in flight: tasks, drops under way, the stop flag."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

log = logging.getLogger("studybot.engine")
R = TypeVar("R")


@dataclass(frozen=True)
class EngineSettings:
    owner: str  # this replica's name; leases carry it plus a random part
    grace: timedelta = timedelta(hours=2)
    lookback: timedelta = timedelta(days=7)
    lookahead: timedelta = timedelta(seconds=60)  # drops are created this early, posted on time
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 6  # attempts that fail with an unexpected error (not a platform answer)
    claim_limit: int = 1000  # drops handled per call, in slices
    slice_size: int = 100  # drops claimed at once, so that replicas share a minute's fan-out
    database_clock: bool = False  # take "now" from the database server (PostgreSQL)
    lookup_interval: timedelta = timedelta(minutes=1)  # history lookups per workspace, at most
    audit_days: int = 365  # the audit trail keeps entries this long (STUDYBOT_AUDIT_DAYS)


class Work:
    """What one engine is doing: its ticks, one task per drop being posted or revealed, and
    which drops have begun (a post or reveal that has begun is finished before a stop)."""

    def __init__(self) -> None:
        self.stopping = False  # no new work; what is held is handed back
        self._runs: set[asyncio.Task[Any]] = set()  # ticks and on-time deliveries
        self._tasks: set[asyncio.Task[Any]] = set()  # one task per drop being posted or revealed
        self._under_way: set[int] = set()  # drops whose post or reveal has begun
        self._settled = asyncio.Event()

    def track_run(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._runs.add(task)
            task.add_done_callback(self._runs.discard)

    async def each(self, works: Iterable[Coroutine[Any, Any, R]]) -> list[R]:
        """Run the works side by side as tracked tasks; the results of those not cancelled."""
        tasks = [asyncio.create_task(w) for w in works]
        self._tasks.update(tasks)
        for task in tasks:
            task.add_done_callback(self._tasks.discard)
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for outcome in outcomes:
            # work cancelled by a stop's drain is left out; any other failure is the caller's
            drained = isinstance(outcome, asyncio.CancelledError) and self.stopping
            if isinstance(outcome, BaseException) and not drained:
                raise outcome
        return [o for o in outcomes if not isinstance(o, BaseException)]

    def begin(self, drop_id: int) -> None:
        self._under_way.add(drop_id)

    def end(self, drop_id: int) -> None:
        self._under_way.discard(drop_id)
        if not self._under_way:
            self._settled.set()

    async def finish(self, grace: float) -> None:
        """Give the posts and reveals under way up to `grace` seconds to end, then cancel the
        work that has not begun (waiting for its turn) and the runs that started it."""
        try:
            async with asyncio.timeout(grace):
                while self._under_way:
                    self._settled.clear()
                    await self._settled.wait()
        except TimeoutError:
            log.warning("stopping with %d post(s) still under way", len(self._under_way))
        for tasks in (self._tasks, self._runs):
            pending = [t for t in tasks if t is not asyncio.current_task() and not t.done()]
            if tasks is self._runs and pending:  # they take no new work: give them a moment
                await asyncio.wait(pending, timeout=1.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
