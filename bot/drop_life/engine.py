"""The delivery engine: each tick plans due drops, posts them, reveals closed ones and posts
weekly digests — with leases so that several replicas never do the same work twice.

Each job has its module: planning (schedules to pending drops), posting, revealing and digests;
leases holds the claims they share, work the tasks in flight. Work is claimed in slices: a claim
writes this engine's lease token (its replica name and a random part, so two processes with one
name never share leases) and an expiry on a few drops. A replica that dies mid-work is replaced
when its lease runs out. The rules are in docs/scheduling.md.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.drop_life.digests import DigestPoster
from bot.drop_life.leases import Leases
from bot.drop_life.planning import PlanResult, plan_due_drops
from bot.drop_life.posting import Poster
from bot.drop_life.revealing import Revealer
from bot.drop_life.work import EngineSettings, Work
from bot.observability.tracing import tracer
from bot.service.audit import purge_audit
from bot.service.context import Core
from bot.service.engine_clock import ClockSkewError, EngineClock
from bot.service.events import forget_old_events
from bot.service.pacing import Pacer

__all__ = ["DeliveryEngine", "EngineSettings", "TickReport"]

log = logging.getLogger("studybot.engine")
PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class TickReport:
    planned: PlanResult
    posted: int
    failed: int
    revealed: int
    digests: int


class DeliveryEngine:
    def __init__(
        self,
        core: Core,
        settings: EngineSettings,
        pacer: Pacer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.core = core
        self.settings = settings
        self.pacer = pacer or Pacer()
        self.rng = rng or random.Random()
        self.token = f"{settings.owner[:48]}:{uuid.uuid4().hex[:12]}"  # this engine's leases
        self.clock = EngineClock(core.clock, use_database=settings.database_clock)
        self.work = Work()
        self.leases = Leases(core.db, self.clock, self.token, settings.lease)
        parts = (core, settings, self.leases, self.work, self.pacer, self.rng, self.clock)
        self.posting = Poster(*parts)
        self.revealing = Revealer(*parts)
        self._events_pruned_at: datetime | None = None
        self._digests = DigestPoster(
            core, self.pacer, owner=self.token, lease=settings.lease, now=self.clock.now
        )

    @property
    def stopping(self) -> bool:
        """Set by stop(): no new work; what is held is handed back."""
        return self.work.stopping

    def stop(self) -> None:
        """Take no more work (safe to call from a signal handler); `drain` finishes the stop."""
        self.work.stopping = True

    async def drain(self, grace: float) -> int:
        """Finish a stop: posts and reveals already under way get up to `grace` seconds to end
        (and be recorded); work that has not begun (waiting for its turn) is cancelled; then
        every drop this replica holds is released so another replica takes it on its next tick
        instead of after the lease. A drop never tried keeps its attempt count. Returns how many
        drops were released."""
        self.stop()
        await self.work.finish(grace)
        released = await self.leases.release_all(self.posting.began)
        if released:
            log.info("released %d drop(s) for the other replicas", released)
        return released

    @property
    def per_org_in_lease(self) -> int:
        """Posts one workspace can take from this process in half a lease (its pacing)."""
        return self.posting.per_org_in_lease

    async def tick(self) -> TickReport:
        with tracer.start_as_current_span("studybot.tick"):
            return await self._tick()

    async def _tick(self) -> TickReport:
        self.work.track_run()
        status = self.core.engine
        try:
            status.skew = await self.clock.measure(self.core.db)
            status.clock_error = None
        except ClockSkewError as exc:
            status.clock_error = str(exc)
            log.error("drop engine not ticking: %s", exc)
            raise
        planned = await plan_due_drops(
            self.core,
            grace=self.settings.grace,
            lookback=self.settings.lookback,
            lookahead=self.settings.lookahead,
            now=self.clock.now(),
        )
        posted, failed = await self.deliver_due()
        revealed = await self.reveal_due()
        sent_digests = 0 if self.stopping else await self._digests.post_due()
        await self._prune_events()
        status.last_tick_at = self.core.clock.now()
        return TickReport(planned, posted, failed, revealed, sent_digests)

    async def deliver_due(self) -> tuple[int, int]:
        """Post every pending drop whose time has come; returns (posted, failed for good)."""
        return await self.posting.deliver_due()

    async def reveal_due(self) -> int:
        """Close every drop whose window has ended, reveal it in place and post the result."""
        return await self.revealing.reveal_due()

    async def next_due(self) -> datetime | None:
        """When the earliest pending drop is due, by this process's clock."""
        return await self.posting.next_due()

    async def post_digests(self) -> int:
        return await self._digests.post_due()

    async def _prune_events(self) -> None:
        """Hourly: forget handled platform event ids once they are too old to be retried, and
        audit entries older than the retention period."""
        now = self.clock.now()
        if self._events_pruned_at is None or now - self._events_pruned_at >= PRUNE_EVERY:
            await forget_old_events(self.core)
            await purge_audit(self.core, now, self.settings.audit_days)
            self._events_pruned_at = now
