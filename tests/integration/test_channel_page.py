"""A channel's questions a page at a time: open ones as cards, closed ones revealed with each
member's pick, newest first, and nothing of another organisation's channel."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.answer_form import spoken
from bot.drop_life.history import PickLine, channel_page
from bot.drop_life.start_close import close_drop, start_drop
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock
from tests.support.answers import right_answer, wrong_answer

WINDOW = timedelta(minutes=10)


async def test_open_drops_are_cards_and_closed_ones_reveals_with_their_picks(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    closed = await start_drop(core, StartDrop(CHANNEL, window=WINDOW))
    q = core.questions[closed.question_id]
    await submit_answer(core, SubmitAnswer(CHANNEL, closed.drop_id, "ada", "Ada", right_answer(q)))
    await submit_answer(core, SubmitAnswer(CHANNEL, closed.drop_id, "bo", "Bo", wrong_answer(q)))
    await close_drop(core, CloseDrop(closed.drop_id, CHANNEL))
    clock.advance(minutes=1)
    still_open = await start_drop(core, StartDrop(CHANNEL, window=WINDOW))
    await submit_answer(core, SubmitAnswer(CHANNEL, still_open.drop_id, "ada", "Ada", ("a",)))

    page = await channel_page(core, CHANNEL, 1, per_page=5)

    assert [c.drop_id for c in page.open_cards] == [still_open.drop_id]
    assert [r.question.drop_id for r in page.reveals] == [closed.drop_id]
    assert page.picks == {  # the open drop's answer is not shown before its reveal
        closed.drop_id: [
            PickLine("Ada", spoken(closed.kind, closed.labels_of(right_answer(q))), True),
            PickLine("Bo", spoken(closed.kind, closed.labels_of(wrong_answer(q))), False),
        ]
    }
    assert not page.has_older


async def test_pages_go_from_the_newest_to_older_ones(core: Core, clock: FakeClock) -> None:
    await register(core)
    ids = []
    for _ in range(3):
        card = await start_drop(core, StartDrop(CHANNEL, window=WINDOW))
        await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
        ids.append(card.drop_id)
        clock.advance(minutes=1)

    first = await channel_page(core, CHANNEL, 1, per_page=2)
    second = await channel_page(core, CHANNEL, 2, per_page=2)

    assert [r.question.drop_id for r in first.reveals] == [ids[2], ids[1]]
    assert first.has_older
    assert [r.question.drop_id for r in second.reveals] == [ids[0]]
    assert not second.has_older


async def test_another_organisations_channel_of_the_same_id_shows_nothing(core: Core) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    card = await start_drop(core, StartDrop(CHANNEL, window=WINDOW))
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))

    other = await channel_page(core, OTHER_ORG_CHANNEL, 1, per_page=5)

    assert (other.open_cards, other.reveals, other.picks) == ([], [], {})
