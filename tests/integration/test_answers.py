"""Answering: first answer counts, duplicates store nothing, the window and the ids are checked."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.drop_life import reading, start_close
from bot.errors import InvalidInputError, NotFoundError
from bot.service import answers as answer_service
from bot.service.commands import SaveSchedule, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.schedules import save_schedule
from bot.service.views import AnswerStatus, QuestionCard
from bot.storage.tables import answers, member_stats, members
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR


async def count(core: Core, table: object) -> int:
    async with core.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


async def open_drop(core: Core, **kwargs: object) -> QuestionCard:
    await register(core)
    return await start_close.start_drop(core, StartDrop(CHANNEL, **kwargs))  # type: ignore[arg-type]


def answer(card: QuestionCard, user: str, *options: str, channel=CHANNEL) -> SubmitAnswer:  # type: ignore[no-untyped-def]
    return SubmitAnswer(channel, card.drop_id, user, user.title(), options)


def key_of(core: Core, card: QuestionCard) -> tuple[str, ...]:
    return tuple(sorted(core.questions[card.question_id].key))


def wrong_of(core: Core, card: QuestionCard) -> tuple[str, ...]:
    q = core.questions[card.question_id]
    wrong = [o for o in q.option_ids if o not in q.key]
    return tuple(wrong[: q.pick])


async def test_first_answer_counts_and_second_is_refused(core: Core) -> None:
    card = await open_drop(core)
    first = await answer_service.submit_answer(core, answer(card, "ann", *key_of(core, card)))
    second = await answer_service.submit_answer(core, answer(card, "ann", *wrong_of(core, card)))

    assert first.status is AnswerStatus.RECORDED
    assert (await reading.show_drop(core, card.drop_id, CHANNEL)).answer_count == 1
    assert second.status is AnswerStatus.ALREADY_ANSWERED
    assert "only your first answer counts" in second.message
    assert second.chosen_labels == first.chosen_labels  # tells them what they answered first
    assert await count(core, answers) == 1
    async with core.db.read() as conn:
        totals = (await conn.execute(select(func.sum(member_stats.c.answered)))).scalar_one()
    assert totals == 3  # one answer, counted once in each of week, month and all time


async def test_concurrent_duplicate_clicks_store_one_answer(core: Core) -> None:
    card = await open_drop(core)
    results = await asyncio.gather(
        *(
            answer_service.submit_answer(core, answer(card, "bob", *key_of(core, card)))
            for _ in range(8)
        )
    )
    statuses = sorted(r.status.value for r in results)
    assert statuses.count(AnswerStatus.RECORDED.value) == 1
    assert statuses.count(AnswerStatus.ALREADY_ANSWERED.value) == 7
    assert await count(core, answers) == 1


async def test_answer_after_window_is_refused_with_closing_time(
    core: Core, clock: FakeClock
) -> None:
    card = await open_drop(core, window=timedelta(minutes=30))
    clock.advance(minutes=30)
    result = await answer_service.submit_answer(core, answer(card, "cat", *key_of(core, card)))
    assert result.status is AnswerStatus.CLOSED
    assert "closed at 2026-03-04 09:30 UTC" in result.message
    assert await count(core, answers) == 0
    assert await count(core, members) == 0


async def test_unknown_drop_is_a_clear_error_and_stores_nothing(core: Core) -> None:
    await register(core)
    with pytest.raises(NotFoundError, match="no question drop 999"):
        await answer_service.submit_answer(core, SubmitAnswer(CHANNEL, 999, "dan", "Dan", ("a",)))
    assert await count(core, members) == 0


async def test_unknown_option_is_a_clear_error_and_stores_nothing(core: Core) -> None:
    card = await open_drop(core)
    with pytest.raises(InvalidInputError, match="Unknown option z; this question's options are"):
        await answer_service.submit_answer(core, answer(card, "eve", "z"))
    assert await count(core, answers) == 0
    assert await count(core, members) == 0


async def test_another_organisations_drop_is_not_found(core: Core) -> None:
    card = await open_drop(core)
    await register(core, OTHER_ORG_CHANNEL)
    with pytest.raises(NotFoundError):
        await answer_service.submit_answer(
            core, answer(card, "mallory", *key_of(core, card), channel=OTHER_ORG_CHANNEL)
        )
    assert await count(core, answers) == 0


async def test_multiple_answer_is_right_only_with_exactly_the_keyed_set(core: Core) -> None:
    card = await open_drop(core, focus_domain="D1", seed=0)
    # find the multiple-answer question q-04 by dropping until it comes up
    while card.question_id != "q-04":
        card = await start_close.start_drop(core, StartDrop(CHANNEL, focus_domain="D1"))
    with pytest.raises(InvalidInputError, match="asks for 2 options; you chose 1"):
        await answer_service.submit_answer(core, answer(card, "fay", "a"))
    right = await answer_service.submit_answer(core, answer(card, "gus", "a", "d"))
    wrong = await answer_service.submit_answer(core, answer(card, "hal", "a", "b"))
    assert right.status is wrong.status is AnswerStatus.RECORDED
    async with core.db.read() as conn:
        rows = dict((await conn.execute(select(answers.c.option_ids, answers.c.correct))).all())
    assert rows == {"a,d": True, "a,b": False}


async def test_private_feedback_only_when_the_reveal_mode_asks_for_it(core: Core) -> None:
    card = await open_drop(core)
    plain = await answer_service.submit_answer(core, answer(card, "ivy", *key_of(core, card)))
    assert plain.correct is None
    assert plain.explanation is None
    await save_schedule(
        core,
        SaveSchedule(
            CHANNEL,
            {
                "days": "weekdays",
                "time": "09:00",
                "timezone": "UTC",
                "reveal_mode": "at_close_with_feedback",
            },
            actor=OPERATOR,
        ),
    )
    card2 = await start_close.start_drop(core, StartDrop(CHANNEL))
    fed = await answer_service.submit_answer(core, answer(card2, "ivy", *wrong_of(core, card2)))
    assert fed.correct is False
    assert fed.explanation == core.questions[card2.question_id].explanation
    assert "Not quite" in fed.message


async def test_points_follow_difficulty(core: Core) -> None:
    card = await open_drop(core)
    await answer_service.submit_answer(core, answer(card, "jon", *key_of(core, card)))
    await answer_service.submit_answer(core, answer(card, "kim", *wrong_of(core, card)))
    async with core.db.read() as conn:
        points = dict((await conn.execute(select(answers.c.correct, answers.c.points))).all())
    assert points == {True: 10 * core.questions[card.question_id].difficulty, False: 0}
