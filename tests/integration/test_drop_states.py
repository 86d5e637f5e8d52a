"""The drop state machine against the real databases: each allowed transition applies from its
prior state and from no other, the database refuses a state the machine does not have, and a
drop closed by hand before it was posted is skipped (and the person is told), never revealed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.drop_life import by_hand
from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.drop_life.reading import get_drop, recent_drops
from bot.drop_life.start_close import NotPosted, finish_held_post, start_drop
from bot.drop_life.states import (
    CLOSED_BY_HAND_UNPOSTED,
    TRANSITIONS,
    DropStatus,
    move,
)
from bot.errors import DropPostFailed
from bot.ports import DeliveryError
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.storage.tables import drops
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock, FakePlatform

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]


async def a_drop_in(core: Core, status: DropStatus) -> int:
    """A drop put straight into `status` (test set-up, bypassing the machine)."""
    card = await start_drop(core, StartDrop(CHANNEL))
    async with core.db.write() as conn:
        await conn.execute(update(drops).where(drops.c.id == card.drop_id).values(status=status))
    return card.drop_id


async def status_of(core: Core, drop_id: int) -> str:
    async with core.db.read() as conn:
        return str(await conn.scalar(select(drops.c.status).where(drops.c.id == drop_id)))


async def test_the_database_refuses_a_state_the_machine_does_not_have(core: Core) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    with pytest.raises(IntegrityError):
        async with core.db.write() as conn:
            await conn.execute(
                update(drops).where(drops.c.id == card.drop_id).values(status="posted")
            )
    assert await status_of(core, card.drop_id) == "open"


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: str(s))
async def test_an_allowed_transition_applies_from_its_prior_state_only(
    core: Core, source: DropStatus, target: DropStatus
) -> None:
    await register(core)
    drop_id = await a_drop_in(core, source)
    others = {s: await a_drop_in(core, s) for s in DropStatus if s != source}
    async with core.db.write() as conn:
        assert await move(conn, drop_id, source, target) is True
        for other_id in others.values():
            assert await move(conn, other_id, source, target) is False
    assert await status_of(core, drop_id) == target
    assert {s: await status_of(core, i) for s, i in others.items()} == {s: s for s in others}


async def test_a_transition_applies_only_while_its_guard_holds(core: Core) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL), held_by="holder-a")
    async with core.db.write() as conn:
        held_by_b = drops.c.lease_owner == "holder-b"
        assert not await move(conn, card.drop_id, DropStatus.PENDING, DropStatus.OPEN, held_by_b)
    assert await status_of(core, card.drop_id) == "pending"


async def test_closing_a_drop_never_posted_skips_it_and_says_so(
    core: Core, platform: FakePlatform
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, deliver_later=True))
    with pytest.raises(NotPosted, match=r"had not been posted yet.*skipped and will not be posted"):
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    async with core.db.read() as conn:
        drop = await get_drop(conn, card.drop_id)
        last_error = await conn.scalar(select(drops.c.last_error).where(drops.c.id == card.drop_id))
    assert drop.status == "skipped"  # not "revealed": it never reached the channel
    assert last_error == CLOSED_BY_HAND_UNPOSTED
    assert platform.updated == []
    assert await DeliveryEngine(core, EngineSettings(owner="engine")).deliver_due() == (0, 0)
    assert platform.posted == []  # the engine does not post it afterwards
    assert await recent_drops(core, CHANNEL) == []
    with pytest.raises(NotPosted, match="was closed before it was posted"):
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert await status_of(core, card.drop_id) == "skipped"


async def test_a_drop_being_posted_right_now_is_not_skipped(
    core: Core, platform: FakePlatform, clock: FakeClock
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL), held_by="drop-now:x")
    with pytest.raises(NotPosted, match="being posted right now"):
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert await status_of(core, card.drop_id) == "pending"
    await finish_held_post(core, card.drop_id, "drop-now:x", message_id="msg-9")
    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert reveal.question.drop_id == card.drop_id
    assert await status_of(core, card.drop_id) == "revealed"


async def test_a_held_post_whose_holder_died_can_be_closed_by_hand(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL), held_by="drop-now:gone")
    clock.current += timedelta(minutes=6)  # the hold has run out
    with pytest.raises(NotPosted, match="skipped"):
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert await status_of(core, card.drop_id) == "skipped"


async def test_closing_a_failed_drop_keeps_it_failed(core: Core, platform: FakePlatform) -> None:
    await register(core)
    platform.failures = [DeliveryError("channel_not_found", permanent=True)]
    with pytest.raises(DropPostFailed, match="channel_not_found"):
        await by_hand.drop_now(core, StartDrop(CHANNEL))
    async with core.db.read() as conn:
        drop_id = await conn.scalar(select(drops.c.id))
    assert drop_id is not None
    with pytest.raises(NotPosted, match="could not be posted"):
        await by_hand.close_and_reveal(core, CloseDrop(drop_id, CHANNEL))
    assert await status_of(core, drop_id) == "failed"


async def test_a_drop_closed_by_hand_during_the_engines_reveal_is_revealed_once(
    core: Core, platform: FakePlatform, clock: FakeClock
) -> None:
    """The engine's own reveal finds the drop already revealed: its transition does not apply,
    and its lease is released all the same."""
    await register(core)
    card = await by_hand.drop_now(core, StartDrop(CHANNEL, window=timedelta(minutes=5)))
    clock.current += timedelta(minutes=6)
    engine = DeliveryEngine(core, EngineSettings(owner="engine"))
    real_update = platform.update_question

    async def closed_by_hand_meanwhile(*args: object) -> None:
        platform.update_question = real_update  # type: ignore[method-assign]
        await real_update(*args)  # type: ignore[arg-type]
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))

    platform.update_question = closed_by_hand_meanwhile  # type: ignore[method-assign]
    assert await engine.reveal_due() == 1
    async with core.db.read() as conn:
        row = (await conn.execute(select(drops).where(drops.c.id == card.drop_id))).one()
    assert row.status == "revealed"
    assert row.lease_owner is None
    assert len(platform.updated) == 2  # the engine's reveal in place, then the one by hand
