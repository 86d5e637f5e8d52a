"""The live answer count: a burst of answers makes one card update, an answer during an update
one more, a temporary failure is tried again after the platform's wait (putting the reveal back
if it ran), a permanent one or a vanished drop ends it, and a stop cancels what is pending."""

from __future__ import annotations

import pytest

from bot.drop_life.live_count import MAX_RETRIES, RATE_LIMIT_PAUSE, LiveCount
from bot.errors import NotFoundError
from bot.ports import ChannelRef, DeliveryError
from bot.service.pacing import Pacer
from tests.fakes import VirtualTime

CHANNEL = ChannelRef("fake", "org-1", "chan-1")


class Gate:
    """LiveCount's sleep: the intervals are counted and pass at once (the answers a burst makes
    are all in before the update's task first runs)."""

    def __init__(self) -> None:
        self.intervals = 0

    async def sleep(self, seconds: float) -> None:
        self.intervals += 1


class Refreshes:
    def __init__(self, *outcomes: BaseException | None) -> None:
        self.calls: list[tuple[int, bool]] = []
        self.outcomes = list(outcomes)
        self.during: list[object] = []  # what happens while an update is under way

    async def __call__(self, channel: ChannelRef, drop_id: int, *, repair: bool) -> bool:
        self.calls.append((drop_id, repair))
        for step in self.during:
            step()  # type: ignore[operator]
        self.during.clear()
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return True


def live(refresh: Refreshes, gate: Gate, held: VirtualTime | None = None) -> LiveCount:
    """The live count, its pacer on `held` (the pacer's clock: how long it was asked to hold)."""
    held = held or VirtualTime()
    pacer = Pacer(per_channel_interval=0.0, per_org_rate=1000, monotonic=held.monotonic,
                  sleep=held.sleep)  # fmt: skip
    return LiveCount(refresh, interval=15.0, pacer=pacer, sleep=gate.sleep)


async def test_a_burst_of_answers_makes_one_update() -> None:
    refresh, gate = Refreshes(), Gate()
    count = live(refresh, gate)
    for _ in range(5):
        count.answered(CHANNEL, 7)
    await count.settle()
    assert refresh.calls == [(7, False)]


async def test_an_answer_during_an_update_makes_one_more() -> None:
    refresh, gate = Refreshes(), Gate()
    count = live(refresh, gate)
    refresh.during.append(lambda: count.answered(CHANNEL, 7))
    count.answered(CHANNEL, 7)
    await count.settle()
    assert refresh.calls == [(7, False), (7, False)]
    assert gate.intervals == 2  # each update waits its interval


async def test_a_rate_limit_holds_the_organisation_then_repairs_once() -> None:
    refresh, gate, held = (
        Refreshes(DeliveryError("busy", permanent=False, retry_after=30.0)),
        Gate(),
        VirtualTime(),
    )
    count = live(refresh, gate, held)
    count.answered(CHANNEL, 7)
    await count.settle()
    assert refresh.calls == [(7, False), (7, True)]  # the retry puts a reveal back if it ran
    assert max(held.waits, default=0) >= 30


async def test_a_rate_limit_naming_no_wait_holds_the_organisation_a_while() -> None:
    busy = DeliveryError("ratelimited", permanent=False, rate_limited=True)
    refresh, gate, held = Refreshes(busy), Gate(), VirtualTime()
    count = live(refresh, gate, held)
    count.answered(CHANNEL, 7)
    await count.settle()
    assert refresh.calls == [(7, False), (7, True)]
    assert max(held.waits, default=0) >= RATE_LIMIT_PAUSE


async def test_a_rate_limit_asking_no_wait_is_tried_again_at_once() -> None:
    busy = DeliveryError("ratelimited", permanent=False, retry_after=0.0, rate_limited=True)
    refresh, gate, held = Refreshes(busy), Gate(), VirtualTime()
    count = live(refresh, gate, held)
    count.answered(CHANNEL, 7)
    await count.settle()
    assert refresh.calls == [(7, False), (7, True)]
    assert max(held.waits, default=0) < 1  # Retry-After: 0 holds nothing (the pacing margin aside)


@pytest.mark.parametrize(
    "failure", [DeliveryError("gone", permanent=True), NotFoundError("no drop"), RuntimeError()]
)
async def test_a_permanent_failure_a_vanished_drop_or_a_bug_ends_it(failure: Exception) -> None:
    refresh, gate = Refreshes(failure), Gate()
    count = live(refresh, gate)
    count.answered(CHANNEL, 7)
    await count.settle()  # nothing is raised to the answer path
    assert refresh.calls == [(7, False)]
    count.answered(CHANNEL, 7)  # the next answer starts afresh
    await count.settle()
    assert len(refresh.calls) == 2


async def test_temporary_failures_stop_after_the_retries() -> None:
    failures = [DeliveryError("down", permanent=False) for _ in range(MAX_RETRIES + 1)]
    refresh, gate = Refreshes(*failures), Gate()
    count = live(refresh, gate)
    count.answered(CHANNEL, 7)
    await count.settle()
    assert len(refresh.calls) == MAX_RETRIES + 1


async def test_a_stop_cancels_what_is_pending() -> None:
    refresh, gate = Refreshes(), Gate()
    count = live(refresh, gate)
    count.answered(CHANNEL, 7)
    count.answered(ChannelRef("fake", "org-2", "chan-1"), 7)  # another organisation's drop 7
    await count.aclose()  # before either update's task has run
    await count.settle()
    count.answered(CHANNEL, 7)  # an answer after the stop starts nothing
    await count.settle()
    assert refresh.calls == []
