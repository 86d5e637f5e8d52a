"""Every order, yes/no and case study question of the bundled bank renders within Block Kit's
limits and passes Teams' rules and the official Adaptive Card renderer, as question and reveal."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from adapters.slack.render_question import question_message, reveal_message
from adapters.teams import render
from bot.domain.exam import ExamPack, Question, QuestionType
from bot.domain.selection import option_order
from bot.drop_life.cards import question_card, reveal_card
from bot.packs.loader import load_pack
from tests.adapters.slack.blocks import assert_valid_message
from tests.adapters.teams.card_rules import assert_valid_card
from tests.content.test_az400_bank import BANK
from tests.support.answers import right_answer, wrong_answer

OPENED = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BANK_PACK: ExamPack = load_pack(BANK)
NEW_TYPES = [
    q
    for q in BANK_PACK.questions
    if q.type in (QuestionType.ORDER, QuestionType.YESNO) or q.case_id is not None
]


def rendered_answers(q: Question) -> list[str]:
    """A right and a wrong stored answer, so the reveal shows counts."""
    return [",".join(right_answer(q)), ",".join(wrong_answer(q))]


@pytest.mark.parametrize("question", NEW_TYPES, ids=lambda q: q.id)
def test_each_item_renders_within_the_platform_limits(question: Question) -> None:
    card = question_card(
        BANK_PACK,
        question,
        drop_id=2**31 - 1,
        team_id=1,
        seq=999,
        option_order=option_order(question, random.Random(question.id)),
        opened_at=OPENED,
        closes_at=OPENED + timedelta(hours=8),
        answer_count=12,
    )
    assert (card.case is not None) == (question.case_id is not None)
    reveal = reveal_card(card, question, rendered_answers(question))
    assert_valid_message(question_message(card))
    assert_valid_message(reveal_message(reveal))
    assert_valid_card(render.question_card(card))
    assert_valid_card(render.reveal_card(reveal))
