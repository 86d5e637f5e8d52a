"""The auto-refresh audience: one roster read per conversation for a while, the fallback beyond 60
members or when the roster cannot be read, and an invoke that never waits long for it."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.teams.audience import KEEP_FAILURE_SECONDS, KEEP_SECONDS, AudienceCache


class Roster:
    def __init__(self, size: int, *, more: bool = False) -> None:
        self.ids = [f"29:m{n}" for n in range(size)]
        self.more = more
        self.reads: list[str] = []
        self.fail = False
        self.gate: asyncio.Event | None = None

    async def __call__(self, turn_context: Any, conversation_id: str) -> tuple[list[str], bool]:
        self.reads.append(conversation_id)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise PermissionError("no roster for you")
        return self.ids, self.more


async def test_the_roster_is_read_once_and_kept() -> None:
    now = [0.0]
    roster = Roster(3)
    cache = AudienceCache(roster, clock=lambda: now[0])
    roster.gate = asyncio.Event()
    waiting = [asyncio.create_task(cache.audience(None, "t", "team")) for _ in range(20)]
    await asyncio.sleep(0)
    roster.gate.set()
    assert set(await asyncio.gather(*waiting)) == {("29:m0", "29:m1", "29:m2")}
    assert roster.reads == ["team"]  # a burst shares one read
    now[0] = KEEP_SECONDS - 1
    await cache.audience(None, "t", "team")
    assert roster.reads == ["team"]
    now[0] = KEEP_SECONDS + 1
    await cache.audience(None, "t", "team")
    assert roster.reads == ["team", "team"]
    await cache.audience(None, "other-tenant", "team")  # kept per tenant
    assert len(roster.reads) == 3


async def test_more_than_60_members_or_a_failed_read_fall_back() -> None:
    assert await AudienceCache(Roster(60)).audience(None, "t", "c") is not None
    assert await AudienceCache(Roster(61)).audience(None, "t", "c") is None
    assert await AudienceCache(Roster(10, more=True)).audience(None, "t", "c") is None
    now = [0.0]
    roster = Roster(3)
    roster.fail = True
    cache = AudienceCache(roster, clock=lambda: now[0])
    assert await cache.audience(None, "t", "c") is None
    now[0] = KEEP_FAILURE_SECONDS - 1
    assert await cache.audience(None, "t", "c") is None
    assert len(roster.reads) == 1  # a failure is remembered for a while
    roster.fail = False
    now[0] = KEEP_FAILURE_SECONDS + 1
    assert await cache.audience(None, "t", "c") == ("29:m0", "29:m1", "29:m2")


async def test_an_invoke_does_not_wait_for_a_slow_roster() -> None:
    roster = Roster(3)
    roster.gate = asyncio.Event()
    cache = AudienceCache(roster)
    assert await cache.audience(None, "t", "c", wait=0.0) is None  # answered without the roster
    roster.gate.set()
    assert await cache.audience(None, "t", "c") == ("29:m0", "29:m1", "29:m2")
    assert roster.reads == ["c"]  # the read went on and serves the next card
