"""Pacing: one post per second per channel, N per rolling second per workspace, and back-off."""

from __future__ import annotations

import asyncio

import pytest

from bot.ports import ChannelRef
from bot.service.pacing import SAFETY, WINDOW, Pacer
from tests.fakes import VirtualTime


def chan(org: str, channel: str) -> ChannelRef:
    return ChannelRef("slack", org, channel)


async def post_times(
    pacer: Pacer, time: VirtualTime, channels: list[ChannelRef], took: float = 0.0
) -> list[float]:
    times: list[float] = []
    for channel in channels:
        async with pacer.turn(channel):
            times.append(time.now)
            time.now += took
    return times


def pacer_for(time: VirtualTime, rate: int) -> Pacer:
    return Pacer(per_org_rate=rate, monotonic=time.monotonic, sleep=time.sleep)


async def test_a_workspace_gets_its_rate_in_every_rolling_second() -> None:
    time = VirtualTime()
    times = await post_times(pacer_for(time, 5), time, [chan("w1", f"c{i}") for i in range(12)])
    assert times[:5] == [0.0] * 5
    assert times[5:10] == pytest.approx([WINDOW] * 5)
    assert times[10:] == pytest.approx([2 * WINDOW] * 2)
    assert all(sum(1 for t in times if a - 1.0 < t <= a) <= 5 for a in times)


async def test_slow_answers_push_the_window() -> None:
    time = VirtualTime()
    times = await post_times(
        pacer_for(time, 2), time, [chan("w1", f"c{i}") for i in range(3)], took=0.4
    )
    # the first post completed at 0.4, so the third may start only after 0.4 + WINDOW
    assert times == pytest.approx([0.0, 0.4, 0.4 + WINDOW])


async def test_workspaces_do_not_slow_each_other() -> None:
    time = VirtualTime()
    pacer = pacer_for(time, 1)
    times = await asyncio.gather(
        *(post_times(pacer, time, [chan(f"w{i}", "c")]) for i in range(10))
    )
    assert [t[0] for t in times] == [0.0] * 10


async def test_one_channel_gets_one_post_per_second() -> None:
    time = VirtualTime()
    times = await post_times(pacer_for(time, 100), time, [chan("w1", "c1")] * 3)
    assert times == pytest.approx([0.0, 1.0 + SAFETY, 2 * (1.0 + SAFETY)])


async def test_back_off_holds_the_whole_workspace() -> None:
    time = VirtualTime()
    time.now = 10.0
    pacer = pacer_for(time, 100)
    pacer.back_off(chan("w1", "c1"), 30)
    assert await post_times(pacer, time, [chan("w2", "c1")]) == [10.0]
    assert await post_times(pacer, time, [chan("w1", "c2")]) == [40.0]
