"""Revealing drops whose window has ended: closed and scored, the posted question updated in
place with its answer, and the daily result posted at most once (even through a crash)."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update

from bot.domain.backoff import retry_delay
from bot.drop_life.announcements import daily_result
from bot.drop_life.leases import Leases
from bot.drop_life.posting import RETRY_CAP
from bot.drop_life.reading import DropRecord
from bot.drop_life.start_close import close_drop
from bot.drop_life.states import CLOSED, OPEN, REVEALED
from bot.drop_life.work import EngineSettings, Work
from bot.observability.metrics import DROPS
from bot.ports import DeliveryError
from bot.service.commands import CloseDrop
from bot.service.context import Core
from bot.service.engine_clock import EngineClock
from bot.service.pacing import Pacer
from bot.service.schedules import record_delivery_error
from bot.storage.tables import drops

log = logging.getLogger("studybot.engine")


@dataclass
class Revealer:
    """The engine's revealing job: closed drops, answered in place and summed up."""

    core: Core
    settings: EngineSettings
    leases: Leases
    work: Work
    pacer: Pacer
    rng: random.Random
    clock: EngineClock

    async def reveal_due(self) -> int:
        """Close every drop whose window has ended, reveal it in place and post the result."""
        if self.work.stopping:
            return 0
        now = self.clock.now()
        claimed = await self.leases.claim(
            and_(
                drops.c.status.in_((OPEN, CLOSED)),
                drops.c.closes_at <= now,
                or_(drops.c.next_attempt_at.is_(None), drops.c.next_attempt_at <= now),
            ),
            count_attempt=False,
            limit=self.settings.claim_limit,
        )
        outcomes = await self.work.each(self._reveal(drop_id) for drop_id in claimed)
        return sum(outcomes)

    async def _reveal(self, drop_id: int) -> bool:
        if self.work.stopping:
            return False  # released by drain; another replica reveals it
        self.work.begin(drop_id)
        try:
            return await self._reveal_now(drop_id)
        finally:
            self.work.end(drop_id)

    async def _reveal_now(self, drop_id: int) -> bool:
        drop, reveal = await close_drop(self.core, CloseDrop(drop_id))
        try:
            platform = self.core.platform(drop.channel.platform)
            if drop.message_id is not None:
                async with self.pacer.turn(drop.channel):
                    await platform.update_question(drop.channel, drop.message_id, reveal)
            if await self._mark_result(drop.id, self.clock.now()):
                try:
                    async with self.pacer.turn(drop.channel):
                        await platform.post_daily_result(drop.channel, daily_result(reveal))
                except DeliveryError:
                    await self._mark_result(drop.id, None)  # it was not posted: post it later
                    raise
        except (DeliveryError, LookupError) as exc:
            permanent = isinstance(exc, LookupError) or exc.permanent
            if not permanent:
                attempts = await self.leases.count_attempt(drop.id)
                if attempts < self.settings.max_attempts:
                    retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
                    delay = retry_delay(attempts, retry_after, self.rng, cap=RETRY_CAP)
                    await self.leases.release(
                        drop.id,
                        next_attempt_at=self.clock.now() + timedelta(seconds=delay),
                        last_error=str(exc)[:500],
                    )
                    return False
            await self._give_up_reveal(drop, str(exc))
            return False
        await self.leases.release_as(drop.id, CLOSED, REVEALED, revealed_at=self.clock.now())
        DROPS.labels(drop.channel.platform, "revealed").inc()
        return True

    async def _mark_result(self, drop_id: int, at: datetime | None) -> bool:
        """Note the daily result as posted before posting it (at most once, even through a
        crash); True if it is ours to post now. `at=None` takes the note back."""
        async with self.core.db.write() as conn:
            query = update(drops).where(drops.c.id == drop_id, self.leases.mine)
            if at is not None:
                query = query.where(drops.c.result_posted_at.is_(None))
            changed = await conn.scalar(query.values(result_posted_at=at).returning(drops.c.id))
        return changed is not None

    async def _give_up_reveal(self, drop: DropRecord, reason: str) -> None:
        log.error("revealing drop %s in %s failed: %s", drop.id, drop.channel, reason)
        await self.leases.release_as(
            drop.id, CLOSED, REVEALED, revealed_at=self.clock.now(), last_error=reason[:500]
        )
        if drop.schedule_id is not None:
            await record_delivery_error(
                self.core, drop.schedule_id, f"Reveal of question #{drop.seq}: {reason}"
            )
