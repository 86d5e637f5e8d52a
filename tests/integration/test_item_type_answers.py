"""Answering the exam's other item types through the core: order-the-steps, yes/no series and a
case study posted as a series, with their feedback, storage and reveal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.exam import QuestionType
from bot.drop_life import by_hand
from bot.drop_life.card_state import card_state
from bot.errors import InvalidInputError
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.picks import picks_after_close
from bot.service.views import AnswerStatus, QuestionCard
from tests.conftest import CHANNEL, register
from tests.support.item_types import post_question, typespack_env


@pytest.fixture
def settings_env(tmp_path: Path) -> dict[str, str]:
    return typespack_env(tmp_path)


def answer(card: QuestionCard, user: str, tokens: tuple[str, ...]) -> SubmitAnswer:
    return SubmitAnswer(CHANNEL, card.drop_id, user, user.title(), tokens)


def letters(card: QuestionCard, ids: tuple[str, ...]) -> str:
    return " → ".join(next(o.label for o in card.options if o.id == i) for i in ids)


async def test_an_order_is_right_only_in_the_right_order_and_is_stored_as_given(
    core: Core,
) -> None:
    await register(core)
    card = await post_question(core, CHANNEL, "t-order")
    assert card.kind is QuestionType.ORDER
    assert tuple(o.id for o in card.options) != ("a", "b", "c", "d")  # never shown solved

    right = await submit_answer(core, answer(card, "ada", ("a", "b", "c", "d")))
    assert right.status is AnswerStatus.RECORDED
    assert right.message.startswith(f"Your answer {letters(card, ('a', 'b', 'c', 'd'))} is")
    swapped = ("a", "c", "b", "d")
    await submit_answer(core, answer(card, "bob", swapped))
    again = await submit_answer(core, answer(card, "bob", ("a", "b", "c", "d")))
    assert again.status is AnswerStatus.ALREADY_ANSWERED
    assert f"You already answered {letters(card, swapped)};" in again.message

    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert (reveal.answered, reveal.correct) == (2, 1)
    assert [r.option.id for r in reveal.results] == ["a", "b", "c", "d"]  # the right order
    assert [r.count for r in reveal.results] == [2, 1, 1, 2]  # put in its right position
    assert reveal.answer_text == letters(card, ("a", "b", "c", "d"))
    picks = (await picks_after_close(core, CHANNEL, [card.drop_id]))[card.drop_id]
    assert {p.display_name: p.option_ids for p in picks}["Bob"] == swapped
    state = await card_state(core, card.drop_id, CHANNEL, "bob")
    assert state.your_labels == tuple(letters(card, swapped).split(" → "))
    assert state.your_correct is False


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (("a", "b", "c"), "Put all 4 steps in order; you placed 3."),
        (("a", "b", "b", "d"), "A step was put in two positions"),
        (("a", "b", "c", "x"), "Unknown option x"),
        ((), "Put all 4 steps in order; you placed 0."),
    ],
)
async def test_an_incomplete_order_is_refused_and_stores_nothing(
    core: Core, tokens: tuple[str, ...], message: str
) -> None:
    await register(core)
    card = await post_question(core, CHANNEL, "t-order")
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(")):
        await submit_answer(core, answer(card, "ada", tokens))
    ok = await submit_answer(core, answer(card, "ada", ("d", "c", "b", "a")))
    assert ok.status is AnswerStatus.RECORDED  # the refusal stored nothing


async def test_a_yes_no_series_needs_all_three_and_is_right_only_when_all_are(
    core: Core,
) -> None:
    await register(core)
    card = await post_question(core, CHANNEL, "t-yesno")
    assert card.kind is QuestionType.YESNO
    assert [o.id for o in card.options] == ["a", "b", "c"]  # statements as written
    with pytest.raises(InvalidInputError, match="answered 2"):
        await submit_answer(core, answer(card, "ada", ("a=yes", "b=no")))
    with pytest.raises(InvalidInputError, match="with Yes or No"):
        await submit_answer(core, answer(card, "ada", ("a=yes", "b=maybe", "c=no")))
    with pytest.raises(InvalidInputError, match="answered twice"):
        await submit_answer(core, answer(card, "ada", ("a=yes", "a=no", "c=no")))

    right = await submit_answer(core, answer(card, "ada", ("c=yes", "b=no", "a=yes")))
    assert right.message.startswith("Your answer A Yes, B No, C Yes is recorded.")
    await submit_answer(core, answer(card, "bob", ("a=yes", "b=yes", "c=yes")))
    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert (reveal.answered, reveal.correct) == (2, 1)
    assert [(r.option.id, r.is_key, r.count) for r in reveal.results] == [
        ("a", True, 2),
        ("b", False, 1),  # said Yes
        ("c", True, 2),
    ]
    assert reveal.answer_text == "A Yes, B No, C Yes"
    picks = (await picks_after_close(core, CHANNEL, [card.drop_id]))[card.drop_id]
    assert {p.display_name: p.option_ids for p in picks}["Ada"] == ("a=yes", "b=no", "c=yes")


async def test_a_case_study_is_posted_on_consecutive_drops_with_its_scenario(
    core: Core,
) -> None:
    await register(core)
    first = await post_question(core, CHANNEL, "case-01-1")
    series = [first]
    for _ in range(2):  # each next drop continues the case
        series.append(await by_hand.drop_now(core, StartDrop(CHANNEL)))
    assert [c.question_id for c in series] == ["case-01-1", "case-01-2", "case-01-3"]
    for position, card in enumerate(series, start=1):
        assert card.case is not None
        assert (card.case.position, card.case.size) == (position, 3)
        assert card.case.title == "Northwind moves its releases to YAML"
        assert card.case.scenario.split("\n\n")[1].startswith("It wants every production")
    reveal = await by_hand.close_and_reveal(core, CloseDrop(series[2].drop_id, CHANNEL))
    assert reveal.question.case == series[2].case  # the reveal keeps the scenario
