"""A drop that failed for good is told to its channel's study admins in their own chat, at most
once per channel per local day, never to another organisation — on both databases."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.drop_life import alerts
from bot.drop_life.start_close import start_drop
from bot.ports import ChannelRef, DeliveryError
from bot.service.admins import set_study_admin
from bot.service.commands import StartDrop
from bot.service.context import Core
from bot.service.schedules import channel_schedules
from bot.storage.tables import drop_alerts
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock, FakePlatform
from tests.integration.test_engine import engine, schedule, statuses
from tests.support.actors import OPERATOR

GONE = "channel_not_found: the channel was archived"


@pytest.fixture(autouse=True)
def nine_utc(clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


async def admins_of(core: Core, channel: ChannelRef, *people: str) -> None:
    for person in people:
        await set_study_admin(core, channel, person, person.title(), True, actor=OPERATOR)


async def fail_next_drop(core: Core, platform: FakePlatform, channel: ChannelRef = CHANNEL) -> int:
    """Start a drop the engine is to post, and make the platform refuse it for good."""
    card = await start_drop(core, StartDrop(channel, deliver_later=True))
    platform.failures.append(DeliveryError(GONE, permanent=True))
    return card.drop_id


async def test_a_failed_drop_tells_each_study_admin_once_with_the_reason_and_what_to_do(
    core: Core, platform: FakePlatform
) -> None:
    await register(core)
    await schedule(core)
    await admins_of(core, CHANNEL, "ada", "bob")
    await set_study_admin(
        core, CHANNEL, "carl", "Carl", False, actor=OPERATOR
    )  # a member, not an admin
    platform.failures.append(DeliveryError(GONE, permanent=True))
    report = await engine(core).tick()
    assert (report.posted, report.failed) == (0, 1)
    assert sorted(user for _, user, _ in platform.directs) == ["ada", "bob"]
    for channel, _, text in platform.directs:
        assert channel == CHANNEL
        assert "could not post question #1 to Team chan-1" in text
        assert f"Why: {GONE}" in text
        assert "What to do: Check that the channel still exists and is not archived" in text
        assert "schedule page" in text
    assert platform.texts == []  # nothing was said in the channel itself


async def test_a_second_failure_the_same_day_tells_no_one_and_the_next_local_day_does(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    # Auckland is UTC+13 in March: 09:00 UTC is 22:00 there, 11:00 UTC is already tomorrow
    await register(core, tz="Pacific/Auckland")
    await admins_of(core, CHANNEL, "ada")
    e = engine(core)
    await fail_next_drop(core, platform)
    assert (await e.tick()).failed == 1
    assert len(platform.directs) == 1

    clock.current = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)  # 23:30 in Auckland, same day
    await fail_next_drop(core, platform)
    assert (await e.tick()).failed == 1
    assert len(platform.directs) == 1
    assert await statuses(core) == ["failed", "failed"]  # the drop's own record is kept

    clock.current = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)  # 00:00 on the 5th in Auckland
    second = await fail_next_drop(core, platform)
    assert (await e.tick()).failed == 1
    assert [user for _, user, _ in platform.directs] == ["ada", "ada"]
    async with core.db.read() as conn:
        rows = (await conn.execute(select(drop_alerts).order_by(drop_alerts.c.local_date))).all()
    assert [(str(r.local_date), r.drop_id) for r in rows][-1] == ("2026-03-05", second)
    assert [str(r.local_date) for r in rows] == ["2026-03-04", "2026-03-05"]


async def test_another_organisations_admins_are_never_told(
    core: Core, platform: FakePlatform
) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    await admins_of(core, CHANNEL, "ada")
    await admins_of(core, OTHER_ORG_CHANNEL, "eve", "ada")  # the same id in another workspace
    await fail_next_drop(core, platform)
    assert (await engine(core).tick()).failed == 1
    assert [(c, user) for c, user, _ in platform.directs] == [(CHANNEL, "ada")]

    await fail_next_drop(core, platform, OTHER_ORG_CHANNEL)  # its own day's alert, apart
    assert (await engine(core).tick()).failed == 1
    assert sorted((c.org_external_id, user) for c, user, _ in platform.directs) == [
        ("org-1", "ada"),
        ("org-2", "ada"),
        ("org-2", "eve"),
    ]


async def test_the_limit_holds_across_two_engines(core: Core, platform: FakePlatform) -> None:
    await register(core)
    await admins_of(core, CHANNEL, "ada", "bob")
    for _ in range(4):
        await fail_next_drop(core, platform)
    a, b = engine(core, "replica-a", slice_size=1), engine(core, "replica-b", slice_size=1)
    reports = await asyncio.gather(a.tick(), b.tick())
    assert sum(r.failed for r in reports) == 4
    assert sorted(user for _, user, _ in platform.directs) == ["ada", "bob"]
    assert (await engine(core, "replica-c").tick()).failed == 0  # restarted: still told once
    assert len(platform.directs) == 2


async def test_a_channel_without_study_admins_is_logged_and_skipped(
    core: Core, platform: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    await register(core)
    await fail_next_drop(core, platform)
    with caplog.at_level(logging.WARNING, logger="studybot.alerts"):
        assert (await engine(core).tick()).failed == 1
    assert platform.directs == []
    assert "has no study admins to tell" in caplog.text
    async with core.db.read() as conn:  # the day is not used up: an admin added later is told
        assert (await conn.execute(select(drop_alerts))).all() == []
    await admins_of(core, CHANNEL, "ada")
    await fail_next_drop(core, platform)
    assert (await engine(core).tick()).failed == 1
    assert [user for _, user, _ in platform.directs] == ["ada"]


async def test_a_failing_alert_never_fails_the_drops_bookkeeping(
    core: Core, clock: FakeClock, platform: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    await register(core)
    await schedule(core)
    await admins_of(core, CHANNEL, "ada", "bob")
    platform.failures.append(DeliveryError(GONE, permanent=True))
    platform.direct_failures.append(DeliveryError("Slack refused: user_not_found", permanent=True))
    with caplog.at_level(logging.WARNING, logger="studybot.alerts"):
        report = await engine(core).tick()
    assert (report.posted, report.failed) == (0, 1)
    assert await statuses(core) == ["failed"]
    (record,) = await channel_schedules(core, CHANNEL)
    assert record.last_error == f"Question #1: {GONE}"
    assert [user for _, user, _ in platform.directs] == ["bob"]  # the next admin is still told
    assert "could not tell study admin ada" in caplog.text


async def test_an_alert_that_cannot_be_sent_at_all_is_logged(
    core: Core,
    platform: FakePlatform,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await register(core)
    await admins_of(core, CHANNEL, "ada")
    await fail_next_drop(core, platform)

    async def unreachable(*args: object) -> bool:
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(alerts, "_claim_day", unreachable)
    with caplog.at_level(logging.ERROR, logger="studybot.alerts"):
        assert (await engine(core).tick()).failed == 1
    assert await statuses(core) == ["failed"]
    assert platform.directs == []
    assert "could not tell the study admins" in caplog.text


async def test_a_failure_the_next_day_after_midnight_utc_is_told_again(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    await register(core)
    await admins_of(core, CHANNEL, "ada")
    await fail_next_drop(core, platform)
    await engine(core).tick()
    clock.current += timedelta(days=1)
    await fail_next_drop(core, platform)
    await engine(core).tick()
    assert len(platform.directs) == 2
