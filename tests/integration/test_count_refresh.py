"""The shared card's count refresh: the core decides what the card shows and puts a reveal that
ran meanwhile back over the question; the door only sends what it is given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.drop_life import by_hand, count_refresh
from bot.drop_life.card_state import DropCardState
from bot.drop_life.count_refresh import refresh_shared_count
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.views import QuestionCard, RevealCard
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock


class RecordingCard:
    """A door's shared card: what the core asked it to show, in order."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, QuestionCard | RevealCard]] = []

    async def update_count(self, channel: ChannelRef, message_id: str, card: QuestionCard) -> None:
        self.shown.append(("count", message_id, card))

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        self.shown.append(("reveal", message_id, card))


async def posted_drop(core: Core) -> int:
    await register(core)
    card = await by_hand.drop_now(core, StartDrop(CHANNEL, window=timedelta(minutes=10)))
    return card.drop_id


async def test_an_open_drop_shows_its_current_count(core: Core) -> None:
    drop_id = await posted_drop(core)
    question = core.questions[
        (await count_refresh.card_state(core, drop_id, CHANNEL)).question.question_id
    ]
    await submit_answer(
        core, SubmitAnswer(CHANNEL, drop_id, "ada", "Ada", tuple(sorted(question.key)))
    )
    door = RecordingCard()
    assert await refresh_shared_count(core, door, CHANNEL, drop_id)
    ((what, message_id, card),) = door.shown
    assert (what, message_id) == ("count", f"msg-{drop_id}")
    assert isinstance(card, QuestionCard)
    assert card.answer_count == 1


async def test_after_the_window_nothing_is_sent_until_the_reveal(
    core: Core, clock: FakeClock
) -> None:
    drop_id = await posted_drop(core)
    clock.advance(minutes=11)
    door = RecordingCard()
    assert not await refresh_shared_count(core, door, CHANNEL, drop_id)
    assert not await refresh_shared_count(core, door, CHANNEL, drop_id, repair=True)
    assert door.shown == []


async def test_once_revealed_only_a_repair_puts_the_reveal_back(core: Core) -> None:
    drop_id = await posted_drop(core)
    await by_hand.close_and_reveal(core, CloseDrop(drop_id))
    door = RecordingCard()
    assert not await refresh_shared_count(core, door, CHANNEL, drop_id)
    assert door.shown == []
    assert not await refresh_shared_count(core, door, CHANNEL, drop_id, repair=True)
    ((what, message_id, card),) = door.shown
    assert (what, message_id) == ("reveal", f"msg-{drop_id}")
    assert isinstance(card, RevealCard)


async def test_a_reveal_that_ran_during_the_update_is_put_back(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop_id = await posted_drop(core)
    read = count_refresh.card_state
    reads: list[bool] = []

    async def reveal_after_first_read(*args: Any, **kwargs: Any) -> DropCardState:
        state = await read(*args, **kwargs)
        if not reads:
            await by_hand.close_and_reveal(core, CloseDrop(drop_id))
        reads.append(state.revealed)
        return state

    monkeypatch.setattr(count_refresh, "card_state", reveal_after_first_read)
    door = RecordingCard()
    assert await refresh_shared_count(core, door, CHANNEL, drop_id)
    assert reads == [False, True]
    assert [what for what, _, _ in door.shown] == ["count", "reveal"]


async def test_a_drop_never_posted_is_left_alone(core: Core) -> None:
    await register(core)
    card = await by_hand.start_close.start_drop(core, StartDrop(CHANNEL))
    door = RecordingCard()
    assert not await refresh_shared_count(core, door, CHANNEL, card.drop_id)
    assert door.shown == []


async def test_another_organisations_drop_is_not_found(core: Core) -> None:
    drop_id = await posted_drop(core)
    with pytest.raises(NotFoundError):
        await refresh_shared_count(core, RecordingCard(), OTHER_ORG_CHANNEL, drop_id)
