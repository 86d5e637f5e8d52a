"""The delivery engine: each tick plans due drops, posts them, reveals closed ones and posts
weekly digests — with leases so that several replicas never do the same work twice.

Work is claimed in slices: a claim writes this engine's lease token (its replica name and a
random part, so two processes with one name never share leases) and an expiry on a few drops.
Right before each post the engine renews the lease and confirms it still holds the drop, in one
statement that also marks the post as started; the result is recorded only while the lease is
still ours. A replica that dies mid-work is replaced when its lease runs out. A drop whose post
was started by an earlier holder is looked up on the platform before it is posted again (paced,
and only in the time since that post started). The rules are in docs/scheduling.md.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, or_, select, update

from bot.domain.backoff import retry_delay
from bot.drop_life import start_close as drop_service
from bot.drop_life.announcements import daily_result_text
from bot.drop_life.creating import OPEN, PENDING
from bot.drop_life.digests import DigestPoster
from bot.drop_life.planning import PlanResult, plan_due_drops
from bot.drop_life.start_close import CLOSED, FAILED, REVEALED, DropRecord
from bot.ports import ChannelRef, DeliveryError
from bot.service.commands import CloseDrop
from bot.service.context import Core
from bot.service.engine_clock import ClockSkewError, EngineClock
from bot.service.events import forget_old_events
from bot.service.group_commit import GroupCommit
from bot.service.pacing import Pacer
from bot.service.schedules import record_delivery_error
from bot.storage.dialect import insert_for
from bot.storage.tables import drops as drops_table
from bot.storage.tables import skipped_occurrences

log = logging.getLogger("studybot.engine")
R = TypeVar("R")
ON_TIME = timedelta(seconds=60)  # posted within this (and a tenth of the window): on time
RETRY_CAP = 60.0  # seconds: the longest wait between two attempts at a drop
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
LOOKBACK_MARGIN = timedelta(seconds=5)  # history is searched from this long before a post began


@runtime_checkable
class FindsOwnMessages(Protocol):
    """A platform that can look up the question message it posted for a drop (by metadata),
    searching only messages posted since `since`."""

    async def find_question(
        self, channel: ChannelRef, drop_id: int, since: datetime | None = None
    ) -> str | None: ...


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
        self._recorder: GroupCommit[dict[str, object], None] = GroupCommit(self._record_many)
        self._starter: GroupCommit[int, bool] = GroupCommit(self._start_many)
        self._renewed_at: datetime | None = None
        self._lookups: dict[tuple[str, str], datetime] = {}  # workspace: next lookup allowed
        self._events_pruned_at: datetime | None = None
        self._digests = DigestPoster(
            core, self.pacer, owner=self.token, lease=settings.lease, now=self.clock.now
        )
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
        mine = drops_table.c.lease_owner == self.token
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
            # work cancelled by a stop's drain is left out; any other failure is the caller's
            drained = isinstance(outcome, asyncio.CancelledError) and self.stopping
            if isinstance(outcome, BaseException) and not drained:
                raise outcome
        return [o for o in outcomes if not isinstance(o, BaseException)]

    def _begin(self, drop_id: int) -> None:
        self._under_way.add(drop_id)

    def _end(self, drop_id: int) -> None:
        self._under_way.discard(drop_id)
        if not self._under_way:
            self._settled.set()

    @property
    def per_org_in_lease(self) -> int:
        """Posts one workspace can take from this process in half a lease (its pacing)."""
        return max(1, int(self.pacer.per_org_rate * self.settings.lease.total_seconds() / 2))

    async def tick(self) -> TickReport:
        self._track_run()
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

    async def post_digests(self) -> int:
        return await self._digests.post_due()

    async def _prune_events(self) -> None:
        """Forget handled platform event ids once they are too old to be retried (hourly)."""
        now = self.clock.now()
        if self._events_pruned_at is None or now - self._events_pruned_at >= PRUNE_EVERY:
            await forget_old_events(self.core)
            self._events_pruned_at = now

    # -- posting ---------------------------------------------------------------------------

    async def deliver_due(self) -> tuple[int, int]:
        """Post every pending drop whose time has come, a slice at a time; returns (posted,
        failed for good). Other replicas claim the other slices meanwhile."""
        self._track_run()
        posted = failed = handled = 0
        while handled < self.settings.claim_limit and not self.stopping:
            now = self.clock.now()
            claimed = await self._claim(
                and_(drops_table.c.status == PENDING, drops_table.c.next_attempt_at <= now),
                count_attempt=True,
                limit=min(self.settings.slice_size, self.settings.claim_limit),
            )
            if not claimed:
                break
            handled += len(claimed)
            async with self.core.db.read() as conn:
                found = await drop_service.load_drops(conn, set(claimed))
            claimed = await self._fit_lease(claimed, found)
            self._began.difference_update(claimed)
            outcomes = await self._each(self._deliver(found[i]) for i in claimed if i in found)
            posted += sum(o == "posted" for o in outcomes)
            failed += sum(o == "failed" for o in outcomes)
        return posted, failed

    async def _fit_lease(self, claimed: list[int], found: dict[int, DropRecord]) -> list[int]:
        """Keep no more drops per workspace than this process can post within its lease; hand
        the rest back at once (their attempt uncounted) for another replica or the next slice."""
        per_org: dict[tuple[str, str], int] = {}
        keep: list[int] = []
        excess: list[int] = []
        for drop_id in claimed:
            drop = found.get(drop_id)
            if drop is None:
                continue
            org = (drop.channel.platform, drop.channel.org_external_id)
            per_org[org] = per_org.get(org, 0) + 1
            (keep if per_org[org] <= self.per_org_in_lease else excess).append(drop_id)
        if excess:
            async with self.core.db.write() as conn:
                await conn.execute(
                    update(drops_table)
                    .where(drops_table.c.id.in_(excess), drops_table.c.lease_owner == self.token)
                    .values(lease_owner=None, lease_until=None, attempts=drops_table.c.attempts - 1)
                )
        return keep

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
        # an earlier holder sent it and may have died before recording it: look for it first
        if drop.post_started_at is not None and isinstance(platform, FindsOwnMessages):
            wait = self._lookup_wait(drop.channel)
            if wait is not None:  # paced: the platform allows few history calls
                await self._release(drop.id, next_attempt_at=wait)
                return "retry"
            try:
                found = await platform.find_question(
                    drop.channel, drop.id, since=drop.post_started_at - LOOKBACK_MARGIN
                )
            except DeliveryError as exc:  # cannot tell whether it was posted: try again later
                return await self._failed_attempt(drop, attempts, exc)
            if found is not None:  # it was posted, then its holder died before recording
                await self._record_posted(drop, found, *posting_window(drop, drop.post_started_at))
                return "posted"
        if self.clock.now() > drop.opened_at + self.settings.grace:
            await self._skip(drop, "missed by more than the grace period; not posted late")
            return "skipped"
        for quick_retry in range(QUICK_RETRIES + 1):
            try:
                async with self.pacer.turn(drop.channel):
                    if self.stopping:  # not posted: hand it back, this claim not counted
                        await self._release(drop.id, attempts=attempts - 1)
                        return "released"
                    self._begin(drop.id)  # from here the post finishes and is recorded
                    self._began.add(drop.id)
                    if not await self._starter.submit(drop.id):
                        log.warning("drop %s: lease lost before posting; not posted", drop.id)
                        return "lost"
                    opened, closes = posting_window(drop, self.clock.now())
                    card = drop_service.card_of(self.core, drop, opened_at=opened, closes_at=closes)
                    message_id = await platform.post_question(drop.channel, card)
            except DeliveryError as exc:
                short_wait = exc.retry_after is not None and exc.retry_after <= QUICK_RETRY_WAIT
                if not exc.permanent and short_wait and quick_retry < QUICK_RETRIES:
                    self.pacer.back_off(drop.channel, exc.retry_after or 0.0)
                    continue  # rate limited for a moment: wait our turn again, here and now
                return await self._failed_attempt(drop, attempts, exc)
            except Exception as exc:  # an adapter bug must not stop the other posts
                log.exception("posting drop %s failed unexpectedly", drop.id)
                if attempts >= self.settings.max_attempts:
                    await self._give_up(drop, f"gave up after {attempts} attempts: {exc}")
                    return "failed"
                return await self._failed_attempt(
                    drop, attempts, DeliveryError(f"unexpected error: {exc}", permanent=False)
                )
            await self._record_posted(drop, message_id, opened, closes)
            log.info("posted question #%s (drop %s) to %s", drop.seq, drop.id, drop.channel)
            return "posted"
        raise AssertionError("unreachable: the last quick retry returns")

    def _lookup_wait(self, channel: ChannelRef) -> datetime | None:
        """None if a history lookup in this workspace may run now (and books it), else when."""
        org = (channel.platform, channel.org_external_id)
        now = self.clock.now()
        allowed = self._lookups.get(org)
        if allowed is not None and allowed > now:
            return allowed
        self._lookups[org] = now + self.settings.lookup_interval
        return None

    async def _start_many(self, ids: Sequence[int]) -> list[bool | Exception]:
        """Right before posting: renew this engine's leases (at most every third of a lease)
        and mark the posts as started where the lease is still ours; False where it is not."""
        now = self.clock.now()
        until = now + self.settings.lease
        mine = drops_table.c.lease_owner == self.token
        async with self.core.db.write() as conn:
            if self._renewed_at is None or now - self._renewed_at >= self.settings.lease / 3:
                await conn.execute(
                    update(drops_table)
                    .where(mine, drops_table.c.status.in_((PENDING, OPEN, CLOSED)))
                    .values(lease_until=until)
                )
                self._renewed_at = now
            started = set(
                await conn.scalars(
                    update(drops_table)
                    .where(drops_table.c.id.in_(list(ids)), mine, drops_table.c.status == PENDING)
                    .values(post_started_at=now, lease_until=until)
                    .returning(drops_table.c.id)
                )
            )
        return [i in started for i in ids]

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
        now = self.clock.now()
        async with self.core.db.write() as conn:
            stored = set(
                await conn.scalars(
                    select(drops_table.c.id).where(
                        drops_table.c.id.in_([p["b_id"] for p in posted]),
                        drops_table.c.lease_owner == self.token,
                    )
                )
            )
            mine = [p for p in posted if p["b_id"] in stored]
            if mine:
                await conn.execute(
                    RECORD_POSTED,
                    [{**p, "b_owner": self.token, "b_posted_at": now} for p in mine],
                )
        for p in posted:
            if p["b_id"] not in stored:
                log.warning("drop %s was posted after this replica's lease ran out", p["b_id"])
        return [None] * len(posted)

    async def _failed_attempt(self, drop: DropRecord, attempts: int, error: DeliveryError) -> str:
        """A permanent error fails the drop; a temporary one is retried, with backoff capped at
        RETRY_CAP, for as long as the drop could still be posted within the grace period."""
        if error.retry_after:
            self.pacer.back_off(drop.channel, error.retry_after)
        if error.permanent:
            await self._give_up(drop, str(error))
            return "failed"
        delay = retry_delay(attempts, error.retry_after, self.rng, cap=RETRY_CAP)
        retry_at = self.clock.now() + timedelta(seconds=delay)
        if retry_at > drop.opened_at + self.settings.grace:
            await self._give_up(
                drop, f"gave up after {attempts} attempts, too late to post: {error}"
            )
            return "failed"
        log.info("drop %s: %s; retrying in %.1f s", drop.id, error, delay)
        await self._release(drop.id, next_attempt_at=retry_at, last_error=str(error)[:500])
        return "retry"

    async def _give_up(self, drop: DropRecord, reason: str) -> None:
        log.error("drop %s to %s failed: %s", drop.id, drop.channel, reason)
        await self._release(drop.id, status=FAILED, last_error=reason[:500])
        if drop.schedule_id is not None:
            await record_delivery_error(
                self.core, drop.schedule_id, f"Question #{drop.seq}: {reason}"
            )

    async def _skip(self, drop: DropRecord, reason: str) -> None:
        """Too late to post: a scheduled occurrence becomes a skipped one (with its reason), a
        drop started by hand fails."""
        if drop.occurrence_key is None or drop.schedule_id is None:
            await self._give_up(drop, reason)
            return
        log.warning("drop %s to %s skipped: %s", drop.id, drop.channel, reason)
        async with self.core.db.write() as conn:
            removed = await conn.scalar(
                delete(drops_table)
                .where(drops_table.c.id == drop.id, drops_table.c.lease_owner == self.token)
                .returning(drops_table.c.id)
            )
            if removed is not None:
                await conn.execute(
                    insert_for(conn, skipped_occurrences)
                    .values(
                        occurrence_key=drop.occurrence_key,
                        schedule_id=drop.schedule_id,
                        local_date=date.fromisoformat(drop.occurrence_key.rsplit(":", 1)[1]),
                        due_at=drop.opened_at,
                        recorded_at=self.clock.now(),
                        reason=reason,
                    )
                    .on_conflict_do_nothing()
                )

    async def next_due(self) -> datetime | None:
        """When the earliest pending drop is due (so a ticker can wake exactly then), by this
        process's clock."""
        async with self.core.db.read() as conn:
            value: datetime | None = await conn.scalar(
                select(func.min(drops_table.c.next_attempt_at)).where(
                    drops_table.c.status == PENDING
                )
            )
        return None if value is None else value - self.clock.skew

    # -- revealing -------------------------------------------------------------------------

    async def reveal_due(self) -> int:
        """Close every drop whose window has ended, reveal it in place and post the result."""
        if self.stopping:
            return 0
        now = self.clock.now()
        claimed = await self._claim(
            and_(
                drops_table.c.status.in_((OPEN, CLOSED)),
                drops_table.c.closes_at <= now,
                or_(drops_table.c.next_attempt_at.is_(None), drops_table.c.next_attempt_at <= now),
            ),
            count_attempt=False,
            limit=self.settings.claim_limit,
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
            if await self._mark_result(drop.id, self.clock.now()):
                try:
                    async with self.pacer.turn(drop.channel):
                        await platform.post_text(drop.channel, daily_result_text(reveal))
                except DeliveryError:
                    await self._mark_result(drop.id, None)  # it was not posted: post it later
                    raise
        except (DeliveryError, LookupError) as exc:
            permanent = isinstance(exc, LookupError) or exc.permanent
            if not permanent:
                attempts = await self._count_attempt(drop.id)
                if attempts < self.settings.max_attempts:
                    retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
                    delay = retry_delay(attempts, retry_after, self.rng, cap=RETRY_CAP)
                    await self._release(
                        drop.id,
                        next_attempt_at=self.clock.now() + timedelta(seconds=delay),
                        last_error=str(exc)[:500],
                    )
                    return False
            await self._give_up_reveal(drop, str(exc))
            return False
        await self._release(drop.id, status=REVEALED, revealed_at=self.clock.now())
        return True

    async def _mark_result(self, drop_id: int, at: datetime | None) -> bool:
        """Note the daily result as posted before posting it (at most once, even through a
        crash); True if it is ours to post now. `at=None` takes the note back."""
        async with self.core.db.write() as conn:
            query = update(drops_table).where(
                drops_table.c.id == drop_id, drops_table.c.lease_owner == self.token
            )
            if at is not None:
                query = query.where(drops_table.c.result_posted_at.is_(None))
            changed = await conn.scalar(
                query.values(result_posted_at=at).returning(drops_table.c.id)
            )
        return changed is not None

    async def _give_up_reveal(self, drop: DropRecord, reason: str) -> None:
        log.error("revealing drop %s in %s failed: %s", drop.id, drop.channel, reason)
        await self._release(
            drop.id, status=REVEALED, revealed_at=self.clock.now(), last_error=reason[:500]
        )
        if drop.schedule_id is not None:
            await record_delivery_error(
                self.core, drop.schedule_id, f"Reveal of question #{drop.seq}: {reason}"
            )

    # -- leases ----------------------------------------------------------------------------

    async def _claim(
        self, condition: ColumnElement[bool], *, count_attempt: bool, limit: int
    ) -> list[int]:
        """Take the lease on up to `limit` drops matching `condition` whose lease is free."""
        now = self.clock.now()
        free = or_(drops_table.c.lease_until.is_(None), drops_table.c.lease_until < now)
        candidates = (
            select(drops_table.c.id)
            .where(condition, free)
            .order_by(drops_table.c.next_attempt_at, drops_table.c.id)
            .limit(limit)
        )
        async with self.core.db.write() as conn:
            if conn.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            values: dict[str, object] = {
                "lease_owner": self.token,
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
                .where(drops_table.c.id == drop_id, drops_table.c.lease_owner == self.token)
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


def posting_window(drop: DropRecord, now: datetime) -> tuple[datetime, datetime]:
    """When the drop opens and closes if posted now. Posted on time (within ON_TIME and a tenth
    of its window), it keeps the schedule's closing time; posted later, it gets its full window
    from the moment it is posted."""
    window = drop.closes_at - drop.opened_at
    if now - drop.opened_at <= min(ON_TIME, window / 10):
        return min(now, drop.closes_at), drop.closes_at
    return now, now + window
