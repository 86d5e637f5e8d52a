"""The delivery engine: each tick plans due drops, posts them, reveals closed ones and posts
weekly digests — with leases so that several replicas never do the same work twice.

A drop is claimed by writing this replica's name and a lease expiry on it; work on it happens
outside the transaction; the result is recorded only while the lease is still ours. A replica that
dies mid-work is replaced when its lease runs out. Before posting a drop that an earlier holder may
already have posted (its lease ran out), the engine asks the platform to find the message first.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, or_, select, update

from bot.domain.backoff import retry_delay
from bot.domain.periods import Period, local_date, period_start
from bot.ports import ChannelRef, ChatPlatform, DeliveryError
from bot.service import drops as drop_service
from bot.service.announcements import daily_result_text, weekly_digest_text
from bot.service.commands import CloseDrop, ShowLeaderboard
from bot.service.context import Core
from bot.service.drops import CLOSED, FAILED, REVEALED, DropRecord
from bot.service.events import forget_old_events
from bot.service.group_commit import GroupCommit
from bot.service.leaderboards import show_leaderboard
from bot.service.new_drops import OPEN, PENDING
from bot.service.pacing import Pacer
from bot.service.planning import PlanResult, plan_due_drops
from bot.service.schedules import list_schedules, record_delivery_error
from bot.storage.dialect import insert_for
from bot.storage.tables import digests
from bot.storage.tables import drops as drops_table

log = logging.getLogger("studybot.engine")
R = TypeVar("R")
LATE_AFTER = timedelta(minutes=5)
RECORD_POSTED = (
    update(drops_table)
    .where(
        drops_table.c.id == bindparam("b_id"),
        drops_table.c.lease_owner == bindparam("b_owner"),
    )
    .values(
        status=OPEN,
        message_id=bindparam("b_message_id"),
        posted_at=bindparam("b_posted_at"),
        opened_at=bindparam("b_opened_at"),
        closes_at=bindparam("b_closes_at"),
        attempts=0,
        next_attempt_at=None,
        lease_owner=None,
        lease_until=None,
        last_error=None,
    )
)
PRUNE_EVERY = timedelta(hours=1)
QUICK_RETRIES = 3  # a 429 asking to wait at most QUICK_RETRY_WAIT is retried in place
QUICK_RETRY_WAIT = 5.0


@runtime_checkable
class FindsOwnMessages(Protocol):
    """A platform that can look up the question message it posted for a drop (by metadata)."""

    async def find_question(self, channel: ChannelRef, drop_id: int) -> str | None: ...


@dataclass(frozen=True)
class EngineSettings:
    owner: str  # this replica's name, written on the drops it holds
    grace: timedelta = timedelta(hours=2)
    lookback: timedelta = timedelta(days=7)
    lookahead: timedelta = timedelta(seconds=60)  # drops are created this early, posted on time
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 6
    claim_limit: int = 1000


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
        self._recorder: GroupCommit[dict[str, object], None] = GroupCommit(self._record_many)
        self._events_pruned_at: datetime | None = None
        self.stopping = False  # set by stop(): no new work; what is held is handed back
        self._runs: set[asyncio.Task[Any]] = set()  # ticks and on-time deliveries
        self._work: set[asyncio.Task[Any]] = set()  # one task per drop being posted or revealed
        self._under_way: set[int] = set()  # drops whose post or reveal has begun
        self._began: set[int] = set()  # drops whose post began under this claim
        self._settled = asyncio.Event()

    def stop(self) -> None:
        """Take no more work (safe to call from a signal handler); `drain` finishes the stop."""
        self.stopping = True

    async def drain(self, grace: float) -> int:
        """Finish a stop: posts and reveals already under way get up to `grace` seconds to end
        (and be recorded); work that has not begun (waiting for its turn) is cancelled; then
        every drop this replica holds is released so another replica takes it on its next tick
        instead of after the lease. A drop never tried keeps its attempt count. Returns how many
        drops were released."""
        self.stop()
        try:
            async with asyncio.timeout(grace):
                while self._under_way:
                    self._settled.clear()
                    await self._settled.wait()
        except TimeoutError:
            log.warning("stopping with %d post(s) still under way", len(self._under_way))
        for tasks in (self._work, self._runs):
            pending = [t for t in tasks if t is not asyncio.current_task() and not t.done()]
            if tasks is self._runs and pending:  # they take no new work: give them a moment
                await asyncio.wait(pending, timeout=1.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        mine = drops_table.c.lease_owner == self.settings.owner
        free: dict[str, object] = {"lease_owner": None, "lease_until": None}
        async with self.core.db.write() as conn:
            untried = await conn.execute(
                update(drops_table)
                .where(mine, drops_table.c.status == PENDING, drops_table.c.id.not_in(self._began))
                .values(**free, attempts=drops_table.c.attempts - 1)
            )
            rest = await conn.execute(update(drops_table).where(mine).values(**free))
        released = int(untried.rowcount or 0) + int(rest.rowcount or 0)
        if released:
            log.info("released %d drop(s) for the other replicas", released)
        return released

    def _track_run(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._runs.add(task)
            task.add_done_callback(self._runs.discard)

    async def _each(self, works: Iterable[Coroutine[Any, Any, R]]) -> list[R]:
        """Run the works side by side as tracked tasks; the results of those not cancelled."""
        tasks = [asyncio.create_task(w) for w in works]
        self._work.update(tasks)
        for task in tasks:
            task.add_done_callback(self._work.discard)
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
        return [o for o in outcomes if not isinstance(o, BaseException)]

    def _begin(self, drop_id: int) -> None:
        self._under_way.add(drop_id)

    def _end(self, drop_id: int) -> None:
        self._under_way.discard(drop_id)
        if not self._under_way:
            self._settled.set()

    async def tick(self) -> TickReport:
        self._track_run()
        planned = await plan_due_drops(
            self.core,
            grace=self.settings.grace,
            lookback=self.settings.lookback,
            lookahead=self.settings.lookahead,
        )
        posted, failed = await self.deliver_due()
        revealed = await self.reveal_due()
        sent_digests = await self.post_digests()
        await self._prune_events()
        return TickReport(planned, posted, failed, revealed, sent_digests)

    async def _prune_events(self) -> None:
        """Forget handled platform event ids once they are too old to be retried (hourly)."""
        now = self.core.clock.now()
        if self._events_pruned_at is None or now - self._events_pruned_at >= PRUNE_EVERY:
            await forget_old_events(self.core)
            self._events_pruned_at = now

    # -- posting ---------------------------------------------------------------------------

    async def deliver_due(self) -> tuple[int, int]:
        """Post every pending drop whose time has come; returns (posted, failed for good)."""
        self._track_run()
        if self.stopping:
            return 0, 0
        now = self.core.clock.now()
        claimed = await self._claim(
            and_(
                drops_table.c.status == PENDING,
                drops_table.c.next_attempt_at <= now,
            ),
            count_attempt=True,
        )
        async with self.core.db.read() as conn:
            found = await drop_service.load_drops(conn, set(claimed))
        self._began.difference_update(claimed)
        outcomes = await self._each(self._deliver(found[i]) for i in claimed if i in found)
        return sum(o == "posted" for o in outcomes), sum(o == "failed" for o in outcomes)

    async def _deliver(self, drop: DropRecord) -> str:
        try:
            outcome = await self._post(drop)
        finally:
            self._end(drop.id)
        self._began.discard(drop.id)  # recorded or handed back; kept if cancelled mid-post
        return outcome

    async def _post(self, drop: DropRecord) -> str:
        attempts = drop.attempts
        try:
            platform = self.core.platform(drop.channel.platform)
        except LookupError as exc:
            await self._give_up(drop, f"{exc}; the drop cannot be posted")
            return "failed"
        if attempts > 1 and isinstance(platform, FindsOwnMessages):
            try:
                found = await platform.find_question(drop.channel, drop.id)
            except DeliveryError as exc:  # cannot tell whether it was posted: try again later
                return await self._failed_attempt(drop, attempts, exc)
            if found is not None:  # an earlier holder posted it, then died before recording it
                await self._record_posted(drop, found, drop.opened_at, drop.closes_at)
                return "posted"
        for quick_retry in range(QUICK_RETRIES + 1):
            opened, closes = _on_time_or_late(drop, self.core.clock.now())
            card = drop_service.card_of(self.core, drop, opened_at=opened, closes_at=closes)
            try:
                async with self.pacer.turn(drop.channel):
                    if self.stopping:  # not posted: hand it back, this claim not counted
                        await self._release(drop.id, attempts=attempts - 1)
                        return "released"
                    self._begin(drop.id)  # from here the post finishes and is recorded
                    self._began.add(drop.id)
                    message_id = await platform.post_question(drop.channel, card)
            except DeliveryError as exc:
                short_wait = exc.retry_after is not None and exc.retry_after <= QUICK_RETRY_WAIT
                if not exc.permanent and short_wait and quick_retry < QUICK_RETRIES:
                    self.pacer.back_off(drop.channel, exc.retry_after or 0.0)
                    continue  # rate limited for a moment: wait our turn again, here and now
                return await self._failed_attempt(drop, attempts, exc)
            except Exception as exc:  # an adapter bug must not stop the other posts
                log.exception("posting drop %s failed unexpectedly", drop.id)
                return await self._failed_attempt(
                    drop, attempts, DeliveryError(f"unexpected error: {exc}", permanent=False)
                )
            await self._record_posted(drop, message_id, opened, closes)
            log.info("posted question #%s (drop %s) to %s", drop.seq, drop.id, drop.channel)
            return "posted"
        raise AssertionError("unreachable: the last quick retry returns")

    async def _record_posted(
        self, drop: DropRecord, message_id: str, opened: datetime, closes: datetime
    ) -> None:
        """Record a post; posts finishing together are recorded in one transaction."""
        await self._recorder.submit(
            {
                "b_id": drop.id,
                "b_message_id": message_id,
                "b_opened_at": opened,
                "b_closes_at": closes,
            }
        )

    async def _record_many(self, posted: Sequence[dict[str, object]]) -> list[Exception | None]:
        now = self.core.clock.now()
        async with self.core.db.write() as conn:
            stored = set(
                await conn.scalars(
                    select(drops_table.c.id).where(
                        drops_table.c.id.in_([p["b_id"] for p in posted]),
                        drops_table.c.lease_owner == self.settings.owner,
                    )
                )
            )
            mine = [p for p in posted if p["b_id"] in stored]
            if mine:
                await conn.execute(
                    RECORD_POSTED,
                    [{**p, "b_owner": self.settings.owner, "b_posted_at": now} for p in mine],
                )
        for p in posted:
            if p["b_id"] not in stored:
                log.warning("drop %s was posted after this replica's lease ran out", p["b_id"])
        return [None] * len(posted)

    async def _failed_attempt(self, drop: DropRecord, attempts: int, error: DeliveryError) -> str:
        if error.retry_after:
            self.pacer.back_off(drop.channel, error.retry_after)
        if error.permanent or attempts >= self.settings.max_attempts:
            reason = (
                str(error) if error.permanent else f"gave up after {attempts} attempts: {error}"
            )
            await self._give_up(drop, reason)
            return "failed"
        delay = retry_delay(attempts, error.retry_after, self.rng)
        log.info("drop %s: %s; retrying in %.1f s", drop.id, error, delay)
        await self._release(
            drop.id,
            next_attempt_at=self.core.clock.now() + timedelta(seconds=delay),
            last_error=str(error)[:500],
        )
        return "retry"

    async def _give_up(self, drop: DropRecord, reason: str) -> None:
        log.error("drop %s to %s failed: %s", drop.id, drop.channel, reason)
        await self._release(drop.id, status=FAILED, last_error=reason[:500])
        schedule_id = await self._schedule_of(drop.id)
        if schedule_id is not None:
            await record_delivery_error(self.core, schedule_id, f"Question #{drop.seq}: {reason}")

    async def next_due(self) -> datetime | None:
        """When the earliest pending drop is due (so a ticker can wake exactly then)."""
        async with self.core.db.read() as conn:
            value: datetime | None = await conn.scalar(
                select(func.min(drops_table.c.next_attempt_at)).where(
                    drops_table.c.status == PENDING
                )
            )
        return value

    # -- revealing -------------------------------------------------------------------------

    async def reveal_due(self) -> int:
        """Close every drop whose window has ended, reveal it in place and post the result."""
        if self.stopping:
            return 0
        now = self.core.clock.now()
        claimed = await self._claim(
            and_(
                drops_table.c.status.in_((OPEN, CLOSED)),
                drops_table.c.closes_at <= now,
                or_(drops_table.c.next_attempt_at.is_(None), drops_table.c.next_attempt_at <= now),
            ),
            count_attempt=False,
        )
        outcomes = await self._each(self._reveal(drop_id) for drop_id in claimed)
        return sum(outcomes)

    async def _reveal(self, drop_id: int) -> bool:
        if self.stopping:
            return False  # released by drain; another replica reveals it
        self._begin(drop_id)
        try:
            return await self._reveal_now(drop_id)
        finally:
            self._end(drop_id)

    async def _reveal_now(self, drop_id: int) -> bool:
        drop, reveal = await drop_service.close_drop(self.core, CloseDrop(drop_id))
        try:
            platform = self.core.platform(drop.channel.platform)
            if drop.message_id is not None:
                async with self.pacer.turn(drop.channel):
                    await platform.update_question(drop.channel, drop.message_id, reveal)
            async with self.pacer.turn(drop.channel):
                await platform.post_text(drop.channel, daily_result_text(reveal))
        except (DeliveryError, LookupError) as exc:
            permanent = isinstance(exc, LookupError) or exc.permanent
            if not permanent:
                attempts = await self._count_attempt(drop.id)
                if attempts < self.settings.max_attempts:
                    retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
                    delay = retry_delay(attempts, retry_after, self.rng)
                    await self._release(
                        drop.id,
                        next_attempt_at=self.core.clock.now() + timedelta(seconds=delay),
                        last_error=str(exc)[:500],
                    )
                    return False
            await self._give_up_reveal(drop, str(exc))
            return False
        await self._release(drop.id, status=REVEALED, revealed_at=self.core.clock.now())
        return True

    async def _give_up_reveal(self, drop: DropRecord, reason: str) -> None:
        log.error("revealing drop %s in %s failed: %s", drop.id, drop.channel, reason)
        await self._release(
            drop.id, status=REVEALED, revealed_at=self.core.clock.now(), last_error=reason[:500]
        )
        schedule_id = await self._schedule_of(drop.id)
        if schedule_id is not None:
            await record_delivery_error(
                self.core, schedule_id, f"Reveal of question #{drop.seq}: {reason}"
            )

    # -- weekly digest ---------------------------------------------------------------------

    async def post_digests(self) -> int:
        """On each schedule's digest day, after its drop time, post last week's leaderboards."""
        now = self.core.clock.now()
        sent = 0
        if self.stopping:
            return sent
        for record in await list_schedules(self.core):
            s = record.schedule
            today = local_date(now, s.timezone)
            if not s.active or s.digest_weekday is None or today.weekday() != s.digest_weekday:
                continue
            if now.astimezone(ZoneInfo(s.timezone)).time() < s.local_time:
                continue
            week = period_start(Period.WEEK, today)
            if not await self._claim_digest(record.id, week):
                continue
            if await self._post_digest(record.channel, week - timedelta(days=7), record.id, week):
                sent += 1
        return sent

    async def _claim_digest(self, schedule_id: int, week: date) -> bool:
        async with self.core.db.write() as conn:
            inserted = await conn.scalar(
                insert_for(conn, digests)
                .values(schedule_id=schedule_id, week_start=week, posted_at=self.core.clock.now())
                .on_conflict_do_nothing()
                .returning(digests.c.schedule_id)
            )
        return inserted is not None

    async def _post_digest(
        self, channel: ChannelRef, day: date, schedule_id: int, week: date
    ) -> bool:
        overall = await show_leaderboard(self.core, ShowLeaderboard(channel, Period.WEEK, on=day))
        per_domain = [
            await show_leaderboard(
                self.core,
                ShowLeaderboard(channel, Period.WEEK, d.id, limit=3, on=day),
            )
            for d in self.core.pack.domains
        ]
        try:
            platform: ChatPlatform = self.core.platform(channel.platform)
            async with self.pacer.turn(channel):
                await platform.post_text(channel, weekly_digest_text(overall, per_domain))
        except (DeliveryError, LookupError) as exc:
            if isinstance(exc, DeliveryError) and not exc.permanent:
                async with self.core.db.write() as conn:  # let a later tick try again
                    await conn.execute(
                        delete(digests).where(
                            digests.c.schedule_id == schedule_id, digests.c.week_start == week
                        )
                    )
            else:
                await record_delivery_error(self.core, schedule_id, f"Weekly digest: {exc}")
            return False
        return True

    # -- leases ----------------------------------------------------------------------------

    async def _claim(self, condition: ColumnElement[bool], *, count_attempt: bool) -> list[int]:
        """Take the lease on up to claim_limit drops matching `condition` whose lease is free."""
        now = self.core.clock.now()
        free = or_(drops_table.c.lease_until.is_(None), drops_table.c.lease_until < now)
        candidates = (
            select(drops_table.c.id)
            .where(condition, free)
            .order_by(drops_table.c.next_attempt_at, drops_table.c.id)
            .limit(self.settings.claim_limit)
        )
        async with self.core.db.write() as conn:
            if conn.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            values: dict[str, object] = {
                "lease_owner": self.settings.owner,
                "lease_until": now + self.settings.lease,
            }
            if count_attempt:
                values["attempts"] = drops_table.c.attempts + 1
            claimed = await conn.scalars(
                update(drops_table)
                .where(drops_table.c.id.in_(candidates.scalar_subquery()), free)
                .values(**values)
                .returning(drops_table.c.id)
            )
            return sorted(claimed)

    async def _release(self, drop_id: int, **values: object) -> None:
        async with self.core.db.write() as conn:
            await conn.execute(
                update(drops_table)
                .where(
                    drops_table.c.id == drop_id, drops_table.c.lease_owner == self.settings.owner
                )
                .values(lease_owner=None, lease_until=None, **values)
            )

    async def _count_attempt(self, drop_id: int) -> int:
        async with self.core.db.write() as conn:
            value = await conn.scalar(
                update(drops_table)
                .where(drops_table.c.id == drop_id)
                .values(attempts=drops_table.c.attempts + 1)
                .returning(drops_table.c.attempts)
            )
        return int(value or 0)

    async def _schedule_of(self, drop_id: int) -> int | None:
        async with self.core.db.read() as conn:
            value = await conn.scalar(
                select(drops_table.c.schedule_id).where(drops_table.c.id == drop_id)
            )
        return int(value) if value is not None else None


def _on_time_or_late(drop: DropRecord, now: datetime) -> tuple[datetime, datetime]:
    """Posted on time (within LATE_AFTER), a drop keeps the schedule's closing time; posted late
    (after downtime or retries), it keeps the window's length instead."""
    if now <= drop.opened_at + LATE_AFTER:
        return min(now, drop.closes_at), drop.closes_at
    return now, now + (drop.closes_at - drop.opened_at)
