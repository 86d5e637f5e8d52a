"""Group commit: concurrent items share batches, and one failing item never fails the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.service.group_commit import GroupCommit

# Loop time is simulated (looptime): sleeps and the linger take no real time, and their order is
# the same however loaded the machine is.
pytestmark = pytest.mark.looptime


async def test_concurrent_items_are_written_in_shared_batches() -> None:
    batches: list[list[int]] = []

    async def write(items: Sequence[int]) -> list[int | Exception]:
        batches.append(list(items))
        await asyncio.sleep(0)  # the database round trip, during which more items arrive
        return [i * 10 for i in items]

    queue: GroupCommit[int, int] = GroupCommit(write, max_batch=50)
    results = await asyncio.gather(*(queue.submit(i) for i in range(120)))
    assert results == [i * 10 for i in range(120)]
    assert sorted(i for b in batches for i in b) == list(range(120))
    assert len(batches) < 10
    assert max(len(b) for b in batches) == 50


@pytest.mark.parametrize(("linger", "expected_batches"), [(0.0, 3), (0.05, 1)])
async def test_a_new_writer_lingers_for_items_arriving_just_after(
    linger: float, expected_batches: int
) -> None:
    batches: list[list[int]] = []

    async def write(items: Sequence[int]) -> list[int | Exception]:
        batches.append(list(items))
        return list(items)

    queue: GroupCommit[int, int] = GroupCommit(write, linger=linger)

    async def later(i: int) -> int:
        await asyncio.sleep(0.005 * i)  # arrivals spread over 10 ms, as clicks are
        return await queue.submit(i)

    assert await asyncio.gather(*(later(i) for i in range(3))) == [0, 1, 2]
    assert len(batches) == expected_batches


async def test_item_errors_reach_only_their_submitter() -> None:
    async def write(items: Sequence[int]) -> list[int | Exception]:
        return [ValueError(f"bad {i}") if i == 3 else i for i in items]

    queue: GroupCommit[int, int] = GroupCommit(write)
    results = await asyncio.gather(*(queue.submit(i) for i in range(5)), return_exceptions=True)
    assert results[:3] == [0, 1, 2]
    assert isinstance(results[3], ValueError)
    assert results[4] == 4


async def test_a_failing_batch_is_retried_item_by_item() -> None:
    calls: list[list[int]] = []

    async def write(items: Sequence[int]) -> list[int | Exception]:
        calls.append(list(items))
        if 2 in items:
            raise RuntimeError("constraint failed")
        return list(items)

    queue: GroupCommit[int, int] = GroupCommit(write)
    results = await asyncio.gather(*(queue.submit(i) for i in range(4)), return_exceptions=True)
    assert results[0] == 0
    assert results[1] == 1
    assert isinstance(results[2], RuntimeError)
    assert results[3] == 3
    assert [0, 1, 2, 3] in calls
    assert [2] in calls


async def test_the_queue_keeps_working_after_a_submitter_is_cancelled() -> None:
    release = asyncio.Event()

    async def write(items: Sequence[int]) -> list[int | Exception]:
        await release.wait()
        return list(items)

    queue: GroupCommit[int, int] = GroupCommit(write)
    impatient = asyncio.create_task(queue.submit(1))
    patient = asyncio.create_task(queue.submit(2))
    await asyncio.sleep(0.01)
    impatient.cancel()
    release.set()
    assert await patient == 2
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert await queue.submit(3) == 3
