"""Drops through a chat outage, a long fan-out, a lost lease, a crash and a wrong clock: each
drop is posted once, on time or with its full window, or recorded as skipped or failed with why."""

from __future__ import annotations

import asyncio
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.drop_life.planning import plan_due_drops
from bot.drop_life.start_close import start_drop
from bot.ports import ChannelRef, DeliveryError
from bot.service.commands import SaveSchedule, StartDrop
from bot.service.context import Core
from bot.service.lifecycle import deactivate_organisation
from bot.service.pacing import Pacer
from bot.service.schedules import save_schedule
from bot.service.views import QuestionCard
from bot.storage.tables import digests, drops, skipped_occurrences
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock, FakePlatform
from tests.support.actors import OPERATOR


class LinkedTime:
    """The pacer's monotonic clock and sleep, moving the test's wall clock along with it."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.start = clock.current

    def monotonic(self) -> float:
        return (self.clock.current - self.start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.clock.current += timedelta(microseconds=math.ceil(max(0.0, seconds) * 1e6))
        await asyncio.sleep(0)


def engine(
    core: Core, clock: FakeClock, owner: str = "replica-a", pacer: Pacer | None = None, **kw: object
) -> DeliveryEngine:
    values: dict[str, object] = {"lease": timedelta(seconds=60), **kw}
    time = LinkedTime(clock)
    return DeliveryEngine(
        core,
        EngineSettings(owner=owner, **values),  # type: ignore[arg-type]
        pacer or Pacer(monotonic=time.monotonic, sleep=time.sleep),
        random.Random(1),
    )


async def schedule(core: Core, channel: ChannelRef = CHANNEL, **values: object) -> None:
    fields = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h", **values}
    await save_schedule(core, SaveSchedule(channel, fields, actor=OPERATOR))


async def drop_rows(core: Core) -> list[dict[str, object]]:
    async with core.db.read() as conn:
        rows = await conn.execute(select(drops).order_by(drops.c.id))
        return [dict(r._mapping) for r in rows]


@pytest.fixture(autouse=True)
def before_nine(clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


@dataclass
class OutagePlatform(FakePlatform):
    """Unreachable (connection refused) until `up_at` by the test clock."""

    clock: FakeClock = field(default_factory=FakeClock)
    up_at: datetime = datetime(9999, 1, 1, tzinfo=UTC)
    refused: int = 0

    def _maybe_fail(self) -> None:
        if self.clock.current < self.up_at:
            self.refused += 1
            raise DeliveryError("cannot reach the platform: connection refused", permanent=False)
        super()._maybe_fail()


async def tick_every(e: DeliveryEngine, clock: FakeClock, seconds: float, until: datetime) -> None:
    while clock.current < until:
        await e.tick()
        clock.current += timedelta(seconds=seconds)


# -- losing the day's question --------------------------------------------------------------


async def test_a_five_minute_outage_ends_with_the_question_posted_once(
    core: Core, clock: FakeClock
) -> None:
    platform = OutagePlatform(clock=clock, up_at=datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    await tick_every(engine(core, clock), clock, 5, datetime(2026, 3, 4, 9, 15, tzinfo=UTC))
    assert platform.refused >= 6  # it kept trying through the outage
    assert len(platform.posted) == 1
    (row,) = await drop_rows(core)
    assert row["status"] == "open"
    posted_at = row["posted_at"]
    assert isinstance(posted_at, datetime)
    assert (
        datetime(2026, 3, 4, 9, 5, tzinfo=UTC)
        <= posted_at
        <= datetime(2026, 3, 4, 9, 6, 5, tzinfo=UTC)
    )
    card = platform.posted[0][1]
    assert card.closes_at - card.opened_at == timedelta(hours=8)  # the full window, from the post


async def test_retrying_stops_when_the_grace_period_is_over(core: Core, clock: FakeClock) -> None:
    platform = OutagePlatform(clock=clock)  # never comes back
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    e = engine(core, clock, grace=timedelta(minutes=10))
    await tick_every(e, clock, 5, datetime(2026, 3, 4, 9, 20, tzinfo=UTC))
    (row,) = await drop_rows(core)
    assert row["status"] == "failed"
    assert "too late to post: cannot reach the platform" in str(row["last_error"])
    refused = platform.refused
    assert 10 <= refused <= 40  # retried with capped backoff: not every tick, not six times
    await tick_every(e, clock, 5, datetime(2026, 3, 4, 9, 30, tzinfo=UTC))
    assert platform.refused == refused  # and then never again


async def test_a_permanent_error_is_not_retried(core: Core, clock: FakeClock) -> None:
    platform = FakePlatform(failures=[DeliveryError("not_in_channel", permanent=True)])
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    await tick_every(engine(core, clock), clock, 5, datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    assert [r["status"] for r in await drop_rows(core)] == ["failed"]
    assert platform.posted == []


# -- late and early ---------------------------------------------------------------------


async def test_grace_applies_to_a_drop_already_queued(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    e = engine(core, clock, grace=timedelta(minutes=8))
    assert (await e.tick()).planned.created == 1  # queued ahead of its minute
    clock.current = datetime(2026, 3, 4, 9, 10, tzinfo=UTC)  # the service was down until now
    report = await engine(core, clock, "replica-b", grace=timedelta(minutes=8)).tick()
    assert report.posted == 0
    assert platform.posted == []
    assert await drop_rows(core) == []
    async with core.db.read() as conn:
        (skipped,) = (await conn.execute(select(skipped_occurrences))).all()
    assert skipped.occurrence_key == "schedule-1:2026-03-04"
    assert "grace period" in skipped.reason
    later = await engine(core, clock, "replica-c").tick()  # and it is never planned again
    assert (later.planned.created, later.posted) == (0, 0)


async def test_a_late_post_keeps_its_full_window(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, window="5m")
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    await engine(core, clock).tick()
    clock.current = datetime(2026, 3, 4, 9, 3, 10, tzinfo=UTC)  # posted 3 minutes late
    assert (await engine(core, clock, "replica-b").tick()).posted == 1
    card = platform.posted[0][1]
    assert card.opened_at == clock.current
    assert card.closes_at == clock.current + timedelta(minutes=5)
    (row,) = await drop_rows(core)
    assert row["closes_at"] == clock.current + timedelta(minutes=5)


async def test_a_post_a_few_seconds_late_keeps_the_schedules_closing_time(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, window="1h")
    clock.current = datetime(2026, 3, 4, 9, 0, 4, tzinfo=UTC)
    assert (await engine(core, clock).tick()).posted == 1
    assert platform.posted[0][1].closes_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


# -- doubling it ------------------------------------------------------------------------


@dataclass
class SlowPlatform(FakePlatform):
    """Each post takes `seconds` of the test's time; message ids tell the posts apart."""

    time: LinkedTime | None = None
    seconds: float = 1.0
    counter: int = 0

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        assert self.time is not None
        await self.time.sleep(self.seconds)
        self.posted.append((channel, card))
        self.counter += 1
        return f"msg-{card.drop_id}-{self.counter}"


async def many_channels(core: Core, n: int, orgs: int = 1) -> list[ChannelRef]:
    channels = [ChannelRef("fake", f"org-{i % orgs}", f"chan-{i}") for i in range(n)]
    for channel in channels:
        await register(core, channel)
        await schedule(core, channel)
    return channels


async def test_a_lease_shorter_than_the_fan_out_posts_each_drop_once(
    core: Core, clock: FakeClock
) -> None:
    time = LinkedTime(clock)
    platform = SlowPlatform(time=time, seconds=0.0)
    core.platforms["fake"] = platform
    await many_channels(core, 30)
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    # the grace is out of the way: how far the shared test clock runs ahead depends on how the
    # two replicas' tasks interleave, and a drop skipped as too late would say nothing of leases
    kw: dict[str, object] = {
        "lease": timedelta(seconds=10),
        "slice_size": 30,
        "grace": timedelta(days=1),
    }

    def pacer() -> Pacer:  # two posts a second to the workspace: 15 s for the 30
        return Pacer(per_org_rate=2, monotonic=time.monotonic, sleep=time.sleep)

    a = engine(core, clock, "replica-a", pacer(), **kw)
    b = engine(core, clock, "replica-b", pacer(), **kw)
    await a.tick()  # plans the 30 drops
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)

    async def other_replica() -> None:
        for _ in range(200):
            await b.deliver_due()
            await time.sleep(1)

    await asyncio.gather(a.deliver_due(), other_replica())
    assert clock.current - datetime(2026, 3, 4, 9, 0, tzinfo=UTC) > timedelta(seconds=10)
    for _ in range(40):  # a post whose lease ran out before it was recorded is found again
        if {r["status"] for r in await drop_rows(core)} == {"open"}:
            break
        clock.current += timedelta(seconds=61)
        await b.deliver_due()
    per_drop = Counter(card.drop_id for _, card in platform.posted)
    assert sorted(per_drop) == list(range(1, 31))
    assert max(per_drop.values()) == 1  # zero duplicates
    assert {r["status"] for r in await drop_rows(core)} == {"open"}


async def test_replicas_share_a_minutes_fan_out_in_slices(core: Core, clock: FakeClock) -> None:
    time = LinkedTime(clock)
    platform = SlowPlatform(time=time, seconds=0.5)
    core.platforms["fake"] = platform
    await many_channels(core, 24, orgs=4)
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    a = engine(core, clock, "replica-a", slice_size=6)
    b = engine(core, clock, "replica-b", slice_size=6)
    await a.tick()  # plans the minute ahead
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    (a_posted, _), (b_posted, _) = await asyncio.gather(a.deliver_due(), b.deliver_due())
    assert a_posted + b_posted == 24
    assert a_posted >= 6  # both took slices
    assert b_posted >= 6
    assert max(Counter(c.drop_id for _, c in platform.posted).values()) == 1


class Gate:
    """A sleep that waits until the test opens the gate (a post stuck in the pacer)."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await self.opened.wait()


async def wait_for(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), timeout=30)


@pytest.mark.parametrize("names", [("replica-a", "replica-b"), ("replica-a", "replica-a")])
async def test_a_replica_that_lost_its_lease_while_waiting_does_not_post(
    core: Core, clock: FakeClock, platform: FakePlatform, names: tuple[str, str]
) -> None:
    """Also when both processes run under one replica name: leases carry a random part."""
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    gate = Gate()
    stuck = Pacer(monotonic=lambda: 0.0, sleep=gate.sleep)
    stuck.back_off(CHANNEL, 120)  # told to wait by a 429 in this process
    a = engine(core, clock, names[0], stuck)
    await plan_due_drops(core, grace=timedelta(hours=2), lookback=timedelta(days=7))
    task = asyncio.create_task(a.deliver_due())
    await wait_for(gate.waiting)
    clock.current += timedelta(seconds=61)  # a's lease ran out while it waited
    gate_b = Gate()
    held = Pacer(monotonic=lambda: 0.0, sleep=gate_b.sleep)
    held.back_off(CHANNEL, 120)
    b = engine(core, clock, names[1], held)
    posting = asyncio.create_task(b.deliver_due())  # b claims it and waits for its turn
    await wait_for(gate_b.waiting)
    stuck._blocked.clear()
    gate.opened.set()  # a gets its turn first: the drop is no longer a's
    await asyncio.wait_for(task, timeout=30)
    assert platform.posted == []
    held._blocked.clear()
    gate_b.opened.set()
    assert await asyncio.wait_for(posting, timeout=30) == (1, 0)
    assert len(platform.posted) == 1


@dataclass
class HeldPlatform(FakePlatform):
    """The first post hangs until released (a replica stalled mid-post); ids tell posts apart."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    counter: int = 0

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        self.counter += 1
        mine = self.counter
        if mine == 1:
            self.started.set()
            await self.release.wait()
        self.posted.append((channel, card))
        return f"msg-{card.drop_id}-{mine}"

    async def find_question(
        self, channel: ChannelRef, drop_id: int, since: datetime | None = None
    ) -> str | None:
        self.lookups.append((channel, drop_id, since))
        return None  # the stalled post has not arrived yet


@pytest.mark.parametrize("names", [("replica-a", "replica-b"), ("replica-a", "replica-a")])
async def test_a_stale_replica_cannot_record_its_post_after_its_lease_was_taken(
    core: Core, clock: FakeClock, names: tuple[str, str]
) -> None:
    platform = HeldPlatform()
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    stale = engine(core, clock, names[0])
    task = asyncio.create_task(stale.tick())
    await wait_for(platform.started)
    clock.current += timedelta(seconds=61)  # its lease runs out mid-post
    assert (await engine(core, clock, names[1]).deliver_due()) == (1, 0)
    (row,) = await drop_rows(core)
    assert row["message_id"] == "msg-1-2"
    platform.release.set()  # the stale post arrives and tries to record itself
    await asyncio.wait_for(task, timeout=30)
    (row,) = await drop_rows(core)
    assert row["message_id"] == "msg-1-2"  # the new holder's message stays the drop's message
    assert row["status"] == "open"
    assert row["lease_owner"] is None


@dataclass
class TwoHeldPlatform(HeldPlatform):
    """The first two posts each hang until released: both replicas stalled mid-post."""

    second_release: asyncio.Event = field(default_factory=asyncio.Event)
    second_started: asyncio.Event = field(default_factory=asyncio.Event)

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        if self.counter == 1:  # the second post
            self.counter += 1
            self.second_started.set()
            await self.second_release.wait()
            self.posted.append((channel, card))
            return f"msg-{card.drop_id}-2"
        return await super().post_question(channel, card)


@pytest.mark.parametrize("names", [("replica-a", "replica-b"), ("replica-a", "replica-a")])
async def test_a_stale_post_is_not_recorded_while_the_new_holder_is_still_posting(
    core: Core, clock: FakeClock, names: tuple[str, str]
) -> None:
    """The stale replica's post lands first, while the drop is still pending under the new
    holder's lease: only the new holder records its message."""
    platform = TwoHeldPlatform()
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    stale = asyncio.create_task(engine(core, clock, names[0]).tick())
    await wait_for(platform.started)
    clock.current += timedelta(seconds=61)  # its lease runs out mid-post
    holder = asyncio.create_task(engine(core, clock, names[1]).deliver_due())
    await wait_for(platform.second_started)
    platform.release.set()  # the stale post arrives first and tries to record itself
    await asyncio.wait_for(stale, timeout=30)
    (row,) = await drop_rows(core)
    assert (row["status"], row["message_id"]) == ("pending", None)  # still the holder's to record
    platform.second_release.set()
    assert await asyncio.wait_for(holder, timeout=30) == (1, 0)
    (row,) = await drop_rows(core)
    assert (row["status"], row["message_id"]) == ("open", "msg-1-2")


async def test_after_a_crash_history_lookups_are_narrowed_and_paced(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    channels = await many_channels(core, 3)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    await engine(core, clock).tick()
    assert len(platform.posted) == 3
    started = datetime(2026, 3, 4, 9, 0, 1, tzinfo=UTC)
    async with core.db.write() as conn:  # back to "posted, then died before recording"
        await conn.execute(
            update(drops).values(
                status="pending",
                message_id=None,
                attempts=1,
                next_attempt_at=clock.current,
                post_started_at=started,
                lease_owner="replica-a:dead",
                lease_until=clock.current + timedelta(seconds=60),
            )
        )
    clock.current += timedelta(seconds=61)
    survivor = engine(core, clock, "replica-b")
    assert (await survivor.deliver_due()) == (1, 0)  # one lookup per workspace per minute
    assert len(platform.lookups) == 1
    assert platform.lookups[0][2] == started - timedelta(seconds=5)  # only since the post
    clock.current += timedelta(seconds=30)
    assert (await survivor.deliver_due()) == (0, 0)
    clock.current += timedelta(seconds=31)
    assert (await survivor.deliver_due()) == (1, 0)
    clock.current += timedelta(seconds=61)
    assert (await survivor.deliver_due()) == (1, 0)
    assert len(platform.lookups) == 3
    assert len(platform.posted) == 3  # found, never re-posted
    assert {r["status"] for r in await drop_rows(core)} == {"open"}
    assert {c for c, _, _ in platform.lookups} == set(channels)


async def test_drops_that_never_started_posting_need_no_lookup(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await many_channels(core, 3)
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    await engine(core, clock).tick()  # plans only: the drops are due in half a minute
    async with core.db.write() as conn:  # claimed by a replica that died before posting them
        await conn.execute(
            update(drops).values(
                status="pending",
                attempts=1,
                next_attempt_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
                lease_owner="replica-a:dead",
                lease_until=datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC),
            )
        )
    clock.current = datetime(2026, 3, 4, 9, 0, 31, tzinfo=UTC)
    assert (await engine(core, clock, "replica-b").deliver_due()) == (3, 0)
    assert platform.lookups == []  # nothing was sent, so nothing is looked up
    assert len(platform.posted) == 3


# -- reveals and digests through a crash -------------------------------------------------


@dataclass
class CrashingTexts(FakePlatform):
    """The process dies right after the daily result was posted."""

    crash: bool = True

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        result = await super().post_text(channel, text)
        if self.crash:
            raise asyncio.CancelledError("killed")
        return result


async def test_a_crash_after_posting_the_result_does_not_post_it_again(
    core: Core, clock: FakeClock
) -> None:
    platform = CrashingTexts()
    core.platforms["fake"] = platform
    await register(core)
    await schedule(core, digest="off")
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    await engine(core, clock).tick()
    clock.current = datetime(2026, 3, 4, 17, 0, 1, tzinfo=UTC)
    with pytest.raises(asyncio.CancelledError):
        await engine(core, clock).reveal_due()
    assert len(platform.texts) == 1
    platform.crash = False
    clock.current += timedelta(seconds=61)  # the dead replica's lease has run out
    assert await engine(core, clock, "replica-b").reveal_due() == 1
    assert len(platform.texts) == 1  # the result went out once
    assert len(platform.updated) == 2  # the reveal in place is simply repeated
    assert [r["status"] for r in await drop_rows(core)] == ["revealed"]


async def test_a_crash_between_claiming_and_posting_a_digest_does_not_lose_it(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, digest="mon")
    clock.current = datetime(2026, 3, 9, 9, 0, 5, tzinfo=UTC)  # Monday, after the drop time
    async with core.db.write() as conn:  # a replica claimed this week's digest, then died
        await conn.execute(
            digests.insert().values(
                schedule_id=1,
                week_start=datetime(2026, 3, 9).date(),
                posted_at=None,
                lease_owner="replica-a:dead",
                lease_until=clock.current + timedelta(seconds=60),
            )
        )
    e = engine(core, clock, "replica-b")
    assert await e.post_digests() == 0  # its lease still holds
    clock.current += timedelta(seconds=61)
    assert await e.post_digests() == 1
    assert await e.post_digests() == 0
    assert sum(t.startswith("Last week's leaderboard") for _, t in platform.texts) == 1


async def test_no_digest_goes_to_a_workspace_that_removed_the_app(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, digest="mon")
    assert await deactivate_organisation(core, "fake", "org-1")
    clock.current = datetime(2026, 3, 9, 9, 0, 5, tzinfo=UTC)
    assert (await engine(core, clock).tick()).digests == 0
    assert platform.texts == []


# -- the planner ------------------------------------------------------------------------


async def test_the_planners_work_does_not_grow_with_a_schedules_age(
    core: Core, clock: FakeClock
) -> None:
    await many_channels(core, 5)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    e = engine(core, clock)
    considered = []
    for day in range(8):
        clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC) + timedelta(days=day)
        considered.append((await e.tick()).planned.considered)
        clock.current += timedelta(hours=12)
        considered.append((await e.tick()).planned.considered)
    assert considered[-1] == 0  # nothing new since the last pass
    assert considered[::2] == [5] * 8  # one occurrence per schedule per day, at any age


# -- the clock --------------------------------------------------------------------------


@pytest.mark.postgres
async def test_due_decisions_use_the_database_servers_clock(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    if core.db.dialect != "postgresql":
        pytest.skip("the database server's clock is only consulted on PostgreSQL")
    await register(core)
    clock.current = datetime.now(UTC) + timedelta(seconds=90)  # this host runs 90 s fast
    await start_drop(core, StartDrop(CHANNEL, deliver_later=True))  # due "now" by this host
    e = engine(core, clock, database_clock=True)
    report = await e.tick()
    assert report.posted == 0  # by the database server it is due in about 90 s
    assert core.engine.skew is not None
    assert -95 < core.engine.skew.total_seconds() < -85
    due = datetime.now(UTC) - timedelta(seconds=1)  # now due by the database server's clock
    async with core.db.write() as conn:
        await conn.execute(update(drops).values(next_attempt_at=due, opened_at=due))
    assert (await e.tick()).posted == 1
    opened = platform.posted[0][1].opened_at
    assert abs((opened - datetime.now(UTC)).total_seconds()) < 30  # not 90 s early
