"""Posting due drops: claimed in slices, paced per channel and workspace, retried with backoff
until the grace period ends, and recorded only while this engine still holds the lease.

Right before each post the engine renews its leases and confirms it still holds the drop, in one
statement that also marks the post as started. A drop whose post was started by an earlier holder
is looked up on the platform before it is posted again (paced, and only in the time since that
post started). The rules are in docs/scheduling.md.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import and_, bindparam, func, select, update

from bot.domain.backoff import retry_delay
from bot.drop_life.alerts import alert_admins
from bot.drop_life.leases import Leases
from bot.drop_life.reading import DropRecord, card_of, load_drops
from bot.drop_life.states import CLOSED, FAILED, OPEN, PENDING, remove_unposted, transition
from bot.drop_life.work import EngineSettings, Work
from bot.observability.metrics import DROP_LATENESS, DROPS
from bot.observability.tracing import tracer
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from bot.service.engine_clock import EngineClock
from bot.service.group_commit import GroupCommit
from bot.service.pacing import Pacer
from bot.service.schedules import record_delivery_error
from bot.storage.dialect import insert_for
from bot.storage.tables import drops, skipped_occurrences

log = logging.getLogger("studybot.engine")
ON_TIME = timedelta(seconds=60)  # posted within this (and a tenth of the window): on time
LATE_SECONDS = ON_TIME.total_seconds()  # a post leaving later counts as late in the metrics
RETRY_CAP = 60.0  # seconds: the longest wait between two attempts at a drop
RECORD_POSTED = (
    transition(PENDING, OPEN)
    .where(drops.c.id == bindparam("b_id"), drops.c.lease_owner == bindparam("b_owner"))
    .values(
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


@dataclass
class Poster:
    """The engine's posting job: pending drops that are due, out to their channels."""

    core: Core
    settings: EngineSettings
    leases: Leases
    work: Work
    pacer: Pacer
    rng: random.Random
    clock: EngineClock

    def __post_init__(self) -> None:
        self._recorder: GroupCommit[dict[str, object], None] = GroupCommit(self._record_many)
        self._starter: GroupCommit[int, bool] = GroupCommit(self._start_many)
        self._renewed_at: datetime | None = None
        self._lookups: dict[tuple[str, str], datetime] = {}  # workspace: next lookup allowed
        self.began: set[int] = set()  # drops whose post began under this claim

    @property
    def per_org_in_lease(self) -> int:
        """Posts one workspace can take from this process in half a lease (its pacing)."""
        return max(1, int(self.pacer.per_org_rate * self.settings.lease.total_seconds() / 2))

    async def deliver_due(self) -> tuple[int, int]:
        """Post every pending drop whose time has come, a slice at a time; returns (posted,
        failed for good). Other replicas claim the other slices meanwhile."""
        self.work.track_run()
        posted = failed = handled = 0
        while handled < self.settings.claim_limit and not self.work.stopping:
            now = self.clock.now()
            claimed = await self.leases.claim(
                and_(drops.c.status == PENDING, drops.c.next_attempt_at <= now),
                count_attempt=True,
                limit=min(self.settings.slice_size, self.settings.claim_limit),
            )
            if not claimed:
                break
            handled += len(claimed)
            async with self.core.db.read() as conn:
                found = await load_drops(conn, set(claimed))
            claimed = await self._fit_lease(claimed, found)
            self.began.difference_update(claimed)
            outcomes = await self.work.each(self._deliver(found[i]) for i in claimed if i in found)
            posted += sum(o == "posted" for o in outcomes)
            failed += sum(o == "failed" for o in outcomes)
        return posted, failed

    async def next_due(self) -> datetime | None:
        """When the earliest pending drop is due (so a ticker can wake exactly then), by this
        process's clock."""
        async with self.core.db.read() as conn:
            value: datetime | None = await conn.scalar(
                select(func.min(drops.c.next_attempt_at)).where(drops.c.status == PENDING)
            )
        return None if value is None else value - self.clock.skew

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
            await self.leases.hand_back_uncounted(excess)
        return keep

    async def _deliver(self, drop: DropRecord) -> str:
        try:
            with tracer.start_as_current_span("studybot.post") as span:
                span.set_attribute("studybot.drop", drop.id)
                outcome = await self._post(drop)
                span.set_attribute("studybot.outcome", outcome)
        finally:
            self.work.end(drop.id)
        self.began.discard(drop.id)  # recorded or handed back; kept if cancelled mid-post
        count_delivery(drop, outcome, self.clock.now())
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
                await self.leases.release(drop.id, next_attempt_at=wait)
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
                    if self.work.stopping:  # not posted: hand it back, this claim not counted
                        await self.leases.release(drop.id, attempts=attempts - 1)
                        return "released"
                    self.work.begin(drop.id)  # from here the post finishes and is recorded
                    self.began.add(drop.id)
                    if not await self._starter.submit(drop.id):
                        log.warning("drop %s: lease lost before posting; not posted", drop.id)
                        return "lost"
                    opened, closes = posting_window(drop, self.clock.now())
                    card = card_of(self.core, drop, opened_at=opened, closes_at=closes)
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
        until = self.leases.until(now)
        mine = self.leases.mine
        async with self.core.db.write() as conn:
            if self._renewed_at is None or now - self._renewed_at >= self.settings.lease / 3:
                await conn.execute(
                    update(drops)
                    .where(mine, drops.c.status.in_((PENDING, OPEN, CLOSED)))
                    .values(lease_until=until)
                )
                self._renewed_at = now
            started = set(
                await conn.scalars(
                    update(drops)
                    .where(drops.c.id.in_(list(ids)), mine, drops.c.status == PENDING)
                    .values(post_started_at=now, lease_until=until)
                    .returning(drops.c.id)
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
                    select(drops.c.id).where(
                        drops.c.id.in_([p["b_id"] for p in posted]),
                        self.leases.mine,
                        drops.c.status == PENDING,
                    )
                )
            )
            mine = [p for p in posted if p["b_id"] in stored]
            if mine:
                await conn.execute(
                    RECORD_POSTED,
                    [{**p, "b_owner": self.leases.token, "b_posted_at": now} for p in mine],
                )
        for p in posted:
            if p["b_id"] not in stored:
                log.warning(
                    "drop %s was posted after this replica's lease ran out or it was closed",
                    p["b_id"],
                )
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
        await self.leases.release(drop.id, next_attempt_at=retry_at, last_error=str(error)[:500])
        return "retry"

    async def _give_up(self, drop: DropRecord, reason: str) -> None:
        """Fail the drop for good, show why on its schedule and tell the channel's study admins
        (at most once a day; a failing alert is logged, never raised)."""
        log.error("drop %s to %s failed: %s", drop.id, drop.channel, reason)
        moved = await self.leases.release_as(drop.id, PENDING, FAILED, last_error=reason[:500])
        if drop.schedule_id is not None:
            await record_delivery_error(
                self.core, drop.schedule_id, f"Question #{drop.seq}: {reason}"
            )
        if moved:
            await alert_admins(self.core, drop, reason[:500], self.clock.now())

    async def _skip(self, drop: DropRecord, reason: str) -> None:
        """Too late to post: a scheduled occurrence becomes a skipped one (with its reason), a
        drop started by hand fails."""
        if drop.occurrence_key is None or drop.schedule_id is None:
            await self._give_up(drop, reason)
            return
        log.warning("drop %s to %s skipped: %s", drop.id, drop.channel, reason)
        async with self.core.db.write() as conn:
            removed = await conn.scalar(
                remove_unposted()
                .where(drops.c.id == drop.id, self.leases.mine)
                .returning(drops.c.id)
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


def count_delivery(drop: DropRecord, outcome: str, now: datetime) -> None:
    """The drop metrics of one delivery attempt: due (its first), and posted, late, skipped or
    failed, with how late a post left."""
    platform = drop.channel.platform
    if drop.attempts <= 1:
        DROPS.labels(platform, "due").inc()
    if outcome in ("posted", "skipped", "failed"):
        DROPS.labels(platform, outcome).inc()
    if outcome == "posted":
        lateness = max(0.0, (now - drop.opened_at).total_seconds())
        DROP_LATENESS.labels(platform).observe(lateness)
        if lateness > LATE_SECONDS:
            DROPS.labels(platform, "late").inc()


def posting_window(drop: DropRecord, now: datetime) -> tuple[datetime, datetime]:
    """When the drop opens and closes if posted now. Posted on time (within ON_TIME and a tenth
    of its window), it keeps the schedule's closing time; posted later, it gets its full window
    from the moment it is posted."""
    window = drop.closes_at - drop.opened_at
    if now - drop.opened_at <= min(ON_TIME, window / 10):
        return min(now, drop.closes_at), drop.closes_at
    return now, now + window
