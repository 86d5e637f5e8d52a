"""The drop engine's metrics and traces: a scripted day (one drop posted late, one that fails
for good, one missed beyond the grace) shows in the drop counters and the lateness histogram,
and a tick is one trace holding each of its posts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.observability.metrics import REGISTRY
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock, FakePlatform
from tests.integration.test_engine import engine, schedule
from tests.support.spans import in_trace, recording

EVENTS = ("due", "posted", "late", "skipped", "failed", "revealed")


def drops_counted(event: str) -> float:
    labels = {"platform": "fake", "event": event}
    return REGISTRY.get_sample_value("studybot_drops_total", labels) or 0.0


def lateness(stat: str) -> float:
    name = f"studybot_drop_lateness_seconds_{stat}"
    return REGISTRY.get_sample_value(name, {"platform": "fake"}) or 0.0


async def test_a_scripted_day_shows_in_the_drop_metrics(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    other = ChannelRef("fake", "org-1", "chan-2")
    missed = ChannelRef("fake", "org-1", "chan-3")
    for channel in (CHANNEL, other, missed):
        await register(core, channel)
    clock.current = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
    await schedule(core, missed, time="05:30")  # nobody ticks until 08:00: beyond the 2 h grace
    clock.current = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    await schedule(core, CHANNEL)
    await schedule(core, other, time="09:30")
    before = {event: drops_counted(event) for event in EVENTS}
    count_before, sum_before = lateness("count"), lateness("sum")
    e = engine(core, max_attempts=1)
    await e.tick()  # the missed occurrence is recorded as skipped

    clock.current = datetime(2026, 3, 4, 9, 5, tzinfo=UTC)  # five minutes late
    await e.tick()
    clock.current = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    platform.failures.append(DeliveryError("channel_not_found", permanent=True))
    await e.tick()
    clock.current = datetime(2026, 3, 4, 17, 10, tzinfo=UTC)  # after the late drop's window
    await e.tick()

    counted = {event: drops_counted(event) - before[event] for event in EVENTS}
    assert counted == {
        "due": 2, "posted": 1, "late": 1, "skipped": 1, "failed": 1, "revealed": 1,
    }  # fmt: skip
    assert lateness("count") - count_before == 1
    assert lateness("sum") - sum_before == 300


async def test_a_tick_is_one_trace_with_its_posts(
    core: Core, clock: FakeClock, platform: FakePlatform
) -> None:
    _, exporter = recording()
    for n in range(2):
        await register(core, ChannelRef("fake", "org-1", f"chan-{n}"))
        await schedule(core, ChannelRef("fake", "org-1", f"chan-{n}"))
    clock.current = datetime(2026, 3, 4, 9, 0, 1, tzinfo=UTC)
    exporter.clear()
    assert (await engine(core).tick()).posted == 2
    spans = exporter.get_finished_spans()
    (tick,) = [s for s in spans if s.name == "studybot.tick"]
    posts = [s for s in in_trace(spans, tick) if s.name == "studybot.post"]
    assert sorted(str((s.attributes or {})["studybot.outcome"]) for s in posts) == [
        "posted",
        "posted",
    ]
