"""The delivery engine: on time, exactly once, retried, recovered, revealed — on both databases."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.drop_life.start_close import start_drop
from bot.ports import ChannelRef, DeliveryError
from bot.service.answers import submit_answer
from bot.service.commands import SaveSchedule, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.pacing import Pacer
from bot.service.schedules import channel_schedules, save_schedule
from bot.storage.tables import drops, schedules, skipped_occurrences
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock, FakePlatform, VirtualTime
from tests.support.actors import OPERATOR


def engine(core: Core, owner: str = "replica-a", **kw: object) -> DeliveryEngine:
    settings = EngineSettings(owner=owner, lease=timedelta(seconds=60), **kw)  # type: ignore[arg-type]
    time = VirtualTime()
    return DeliveryEngine(
        core, settings, Pacer(monotonic=time.monotonic, sleep=time.sleep), random.Random(1)
    )


async def schedule(core: Core, channel: ChannelRef = CHANNEL, **values: object) -> None:
    fields = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h", **values}
    await save_schedule(core, SaveSchedule(channel, fields, actor=OPERATOR))


async def statuses(core: Core) -> list[str]:
    async with core.db.read() as conn:
        return list(await conn.scalars(select(drops.c.status).order_by(drops.c.id)))


@pytest.fixture(autouse=True)
def before_nine(clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


async def test_a_due_drop_is_posted_once_then_revealed(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    e = engine(core)
    assert (await e.tick()).planned.created == 0
    clock.current = datetime(2026, 3, 4, 9, 0, 3, tzinfo=UTC)
    report = await e.tick()
    assert (report.planned.created, report.posted) == (1, 1)
    assert (await e.tick()).posted == 0
    assert len(platform.posted) == 1
    card = platform.posted[0][1]
    assert card.opened_at == datetime(2026, 3, 4, 9, 0, 3, tzinfo=UTC)
    assert card.closes_at == datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # the schedule's window
    assert await statuses(core) == ["open"]

    clock.current = datetime(2026, 3, 4, 17, 0, 1, tzinfo=UTC)
    assert (await e.tick()).revealed == 1
    assert [m for _, m, _ in platform.updated] == [f"msg-{card.drop_id}"]
    assert "has closed with no answers" in platform.texts[-1][1]
    assert await statuses(core) == ["revealed"]
    assert (await e.tick()).revealed == 0


async def test_two_replicas_ticking_together_post_each_drop_once(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    channels = [ChannelRef("fake", "org-1", f"chan-{i}") for i in range(12)]
    for channel in channels:
        await register(core, channel)
        await schedule(core, channel)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    a, b = engine(core, "replica-a"), engine(core, "replica-b")
    reports = await asyncio.gather(a.tick(), b.tick(), a.tick(), b.tick())
    assert sum(r.planned.created for r in reports) == 12
    assert sum(r.posted for r in reports) == 12
    assert sorted(c.drop_id for _, c in platform.posted) == list(range(1, 13))


async def test_retries_honour_retry_after_then_succeed(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    platform.failures = [
        DeliveryError("rate limited", permanent=False, retry_after=30),
        DeliveryError("server error 503", permanent=False),
    ]
    e = engine(core)
    assert (await e.tick()).posted == 0
    async with core.db.read() as conn:
        wait = await conn.scalar(select(drops.c.next_attempt_at))
    assert wait is not None
    assert wait >= clock.current + timedelta(seconds=30)
    clock.current += timedelta(seconds=29)
    assert (await e.tick()).posted == 0  # not before Retry-After
    clock.current = wait
    assert (await e.tick()).posted == 0  # the 503
    clock.current += timedelta(minutes=5)
    assert (await e.tick()).posted == 1
    assert len(platform.posted) == 1
    assert await statuses(core) == ["open"]


async def test_permanent_failure_stops_and_shows_on_the_schedule(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    platform.failures = [
        DeliveryError("channel_not_found: the channel was archived", permanent=True)
    ]
    report = await engine(core).tick()
    assert (report.posted, report.failed) == (0, 1)
    assert await statuses(core) == ["failed"]
    (record,) = await channel_schedules(core, CHANNEL)
    assert record.last_error == "Question #1: channel_not_found: the channel was archived"
    clock.current += timedelta(hours=1)
    assert (await engine(core).tick()).posted == 0
    assert platform.posted == []


async def test_unexpected_errors_are_retried_a_bounded_number_of_times(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    """A platform answer (5xx, 429, network) is retried within the grace period (see
    test_drop_recovery.py); an adapter bug is retried max_attempts times only."""
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    calls = 0

    async def broken(channel: ChannelRef, card: object) -> str:
        nonlocal calls
        calls += 1
        raise RuntimeError("adapter bug")

    platform.post_question = broken  # type: ignore[assignment,method-assign]
    e = engine(core, max_attempts=3)
    for _ in range(6):
        await e.tick()
        clock.current += timedelta(minutes=10)
    assert await statuses(core) == ["failed"]
    assert calls == 3  # three attempts, then it stopped
    (record,) = await channel_schedules(core, CHANNEL)
    assert record.last_error is not None
    assert "gave up after 3 attempts: adapter bug" in record.last_error


async def test_after_downtime_within_grace_posts_late_with_a_full_window(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, window="1h")
    clock.current = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)  # the service was down at 09:00
    assert (await engine(core).tick()).posted == 1
    card = platform.posted[0][1]
    assert card.opened_at == clock.current
    assert card.closes_at == clock.current + timedelta(hours=1)


async def test_after_downtime_beyond_grace_the_occurrence_is_skipped_and_recorded(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 11, 30, tzinfo=UTC)  # 2.5 hours late
    report = await engine(core).tick()
    assert (report.planned.created, report.planned.skipped, report.posted) == (0, 1, 0)
    async with core.db.read() as conn:
        keys = list(await conn.scalars(select(skipped_occurrences.c.occurrence_key)))
    assert keys == ["schedule-1:2026-03-04"]
    assert (await engine(core).tick()).planned == report.planned.__class__(0, 0)
    assert platform.posted == []


async def test_a_crash_after_posting_does_not_post_twice(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    crashed = engine(core, "replica-a")
    await crashed.tick()  # plans, claims and posts…
    async with core.db.write() as conn:  # …but "dies" before recording: back to that state
        await conn.execute(
            drops.update().values(
                status="pending",
                message_id=None,
                attempts=1,
                next_attempt_at=clock.current,
                post_started_at=clock.current,
                lease_owner="replica-a",
                lease_until=clock.current + timedelta(seconds=60),
            )
        )
    survivor = engine(core, "replica-b")
    assert (await survivor.tick()).posted == 0  # the lease still holds
    clock.current += timedelta(seconds=61)
    assert (await survivor.tick()).posted == 1  # took over, found the message, did not re-post
    assert len(platform.posted) == 1
    assert await statuses(core) == ["open"]


async def test_paused_and_skip_dates_produce_no_drops(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, skip_dates="2026-03-04", active=True)
    clock.current = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    assert (await engine(core).tick()).planned.created == 0
    await schedule(core, active=False)
    clock.current = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert (await engine(core).tick()).planned.created == 0
    assert platform.posted == []


async def test_weekly_digest_posts_last_weeks_leaderboard_once(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core, digest="mon")
    clock.current = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # the Friday before
    card = await start_drop(core, StartDrop(CHANNEL))
    key = sorted(core.questions[card.question_id].key)
    await submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "amy", "Amy", tuple(key)))
    clock.current = datetime(2026, 3, 9, 9, 0, 5, tzinfo=UTC)  # Monday, after the drop time
    e = engine(core)
    first = await e.tick()
    second = await e.tick()
    assert (first.digests, second.digests) == (1, 0)
    (digest,) = [t for _, t in platform.texts if t.startswith("Last week's leaderboard")]
    points = 10 * core.questions[card.question_id].difficulty
    assert digest.splitlines()[:2] == [
        "Last week's leaderboard (02 Mar – 08 Mar 2026)",
        f"Overall: 1. Amy ({points} pts, 1/1)",
    ]
    domain = core.pack.domain(card.domain_id)
    assert f"{domain.id} {domain.name}: 1. Amy ({points} pts, 1/1)" in digest


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        ("Europe/Berlin", datetime(2026, 3, 29, tzinfo=UTC)),
        ("Europe/Berlin", datetime(2026, 10, 25, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 3, 8, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 11, 1, tzinfo=UTC)),
        ("Australia/Sydney", datetime(2026, 4, 5, tzinfo=UTC)),
        ("Australia/Sydney", datetime(2026, 10, 4, tzinfo=UTC)),
    ],
)
async def test_one_drop_per_local_day_across_daylight_saving(
    core: Core, clock: FakeClock, platform: FakePlatform, zone: str, change_day: datetime
) -> None:
    await register(core)
    await schedule(core, time="02:30", timezone=zone, window="1h")
    async with core.db.write() as conn:  # saved well before the days under test
        await conn.execute(schedules.update().values(updated_at=change_day - timedelta(days=5)))
    clock.current = change_day - timedelta(days=2)
    e = engine(core)
    while clock.current < change_day + timedelta(days=3):
        await e.tick()
        clock.current += timedelta(minutes=30)
    local = ZoneInfo(zone)
    days = [c.opened_at.astimezone(local).date() for _, c in platform.posted]
    assert len(days) == len(set(days))  # never two on one local day
    expected = {(change_day + timedelta(days=d)).date() for d in range(-1, 3)}
    assert expected <= set(days)  # and none missing around the change


async def test_ticks_forget_handled_event_ids_once_they_are_old(
    core: Core, clock: FakeClock
) -> None:
    from bot.service.events import first_delivery

    assert await first_delivery(core, "slack", "Ev1")
    e = engine(core)
    await e.tick()
    assert not await first_delivery(core, "slack", "Ev1")  # still remembered: Slack may retry
    clock.advance(days=3)
    await e.tick()
    assert await first_delivery(core, "slack", "Ev1")  # forgotten after two days
