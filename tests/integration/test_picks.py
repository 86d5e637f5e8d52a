"""Each member's own pick is readable only once its drop is revealed, never while it is open or
after its window ended but before the reveal ran."""

from __future__ import annotations

from datetime import timedelta

from bot.drop_life.start_close import close_drop, start_drop
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.picks import picks_after_close
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock


async def test_picks_appear_only_after_the_reveal(core: Core, clock: FakeClock) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(minutes=10)))
    q = core.questions[card.question_id]
    await submit_answer(
        core, SubmitAnswer(CHANNEL, card.drop_id, "ada", "Ada", tuple(sorted(q.key)))
    )
    assert await picks_after_close(core, CHANNEL, [card.drop_id]) == {}  # open
    clock.advance(minutes=11)
    # window over, not yet revealed
    assert await picks_after_close(core, CHANNEL, [card.drop_id]) == {}
    await close_drop(core, CloseDrop(card.drop_id))
    picks = await picks_after_close(core, CHANNEL, [card.drop_id])
    assert [(p.user_id, p.option_ids, p.correct) for p in picks[card.drop_id]] == [
        ("ada", tuple(sorted(q.key)), True)
    ]


async def test_picks_are_only_read_through_the_drops_own_channel(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    other = OTHER_ORG_CHANNEL  # the same channel id in another organisation
    await register(core, other)
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(minutes=10)))
    q = core.questions[card.question_id]
    await submit_answer(
        core, SubmitAnswer(CHANNEL, card.drop_id, "ada", "Ada", tuple(sorted(q.key)))
    )
    clock.advance(minutes=11)
    await close_drop(core, CloseDrop(card.drop_id))
    assert await picks_after_close(core, other, [card.drop_id]) == {}
    assert list(await picks_after_close(core, CHANNEL, [card.drop_id])) == [card.drop_id]
