"""A drop's card state for one member: their own answer and the live count, the key only once the
reveal has run, and only for the channel the drop was posted in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.drop_life.card_state import card_state
from bot.drop_life.start_close import close_drop, start_drop
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock

SAME_ORG_OTHER_CHANNEL = ChannelRef("fake", "org-1", "chan-2")


async def test_each_member_sees_their_own_answer_and_the_key_only_after_the_reveal(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(minutes=10)))
    q = core.questions[card.question_id]
    key = tuple(sorted(q.key))
    wrong = tuple(o for o in q.option_ids if o not in q.key)[: q.pick]
    await submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "ada", "Ada", key))
    await submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "grace", "Grace", wrong))

    ada = await card_state(core, card.drop_id, CHANNEL, "ada")
    assert ada.question.answer_count == 2
    assert ada.accepting
    assert ada.reveal is None
    assert ada.your_correct is None
    labels = {o.id: o.label for o in ada.question.options}
    assert ada.your_labels == tuple(sorted(labels[o] for o in key))
    grace = await card_state(core, card.drop_id, CHANNEL, "grace")
    assert grace.your_labels == tuple(sorted(labels[o] for o in wrong))
    nobody = await card_state(core, card.drop_id, CHANNEL, "linus")
    assert nobody.your_labels is None
    shared = await card_state(core, card.drop_id, CHANNEL)
    assert shared.your_labels is None
    assert shared.question.answer_count == 2

    clock.advance(minutes=11)  # the window is over, the reveal has not run yet
    late = await card_state(core, card.drop_id, CHANNEL, "ada")
    assert not late.accepting
    assert late.reveal is None
    assert late.your_correct is None

    await close_drop(core, CloseDrop(card.drop_id))
    after = await card_state(core, card.drop_id, CHANNEL, "ada")
    assert after.reveal is not None
    assert after.reveal.answered == 2
    assert after.your_correct is True
    assert (await card_state(core, card.drop_id, CHANNEL, "grace")).your_correct is False


async def test_the_state_is_only_read_in_the_drops_own_channel(core: Core) -> None:
    await register(core)
    await register(core, SAME_ORG_OTHER_CHANNEL)
    await register(core, OTHER_ORG_CHANNEL)
    card = await start_drop(core, StartDrop(CHANNEL))
    await submit_answer(
        core,
        SubmitAnswer(
            CHANNEL, card.drop_id, "ada", "Ada", tuple(sorted(core.questions[card.question_id].key))
        ),
    )
    for elsewhere in (SAME_ORG_OTHER_CHANNEL, OTHER_ORG_CHANNEL):
        with pytest.raises(NotFoundError, match=f"no question drop {card.drop_id}"):
            await card_state(core, card.drop_id, elsewhere, "ada")
    assert (await card_state(core, card.drop_id, CHANNEL, "ada")).your_labels is not None
