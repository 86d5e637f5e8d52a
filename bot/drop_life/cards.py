"""Builds the question and reveal view models of a drop from stored rows."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from bot.domain.exam import ExamPack, Question
from bot.service.views import CardOption, OptionResult, QuestionCard, RevealCard


def question_card(
    pack: ExamPack,
    question: Question,
    *,
    drop_id: int,
    team_id: int,
    seq: int,
    option_order: Iterable[str],
    opened_at: datetime,
    closes_at: datetime,
    answer_count: int,
) -> QuestionCard:
    domain = pack.domain(question.domain_id)
    objective = pack.objectives()[question.objective_id]
    options = tuple(
        CardOption(oid, string.ascii_uppercase[i], question.option(oid).text)
        for i, oid in enumerate(option_order)
    )
    return QuestionCard(
        drop_id=drop_id,
        team_id=team_id,
        seq=seq,
        question_id=question.id,
        domain_id=domain.id,
        domain_name=domain.name,
        objective_id=objective.id,
        objective_name=objective.name,
        stem=question.stem,
        options=options,
        pick=question.pick,
        difficulty=question.difficulty,
        opened_at=opened_at,
        closes_at=closes_at,
        answer_count=answer_count,
    )


def reveal_card(card: QuestionCard, question: Question, choices: Iterable[str]) -> RevealCard:
    """The reveal: key, explanation, references and how many picked each option.

    `choices` holds each stored answer's option ids joined by commas.
    """
    counts: Counter[str] = Counter()
    answered = correct = 0
    for joined in choices:
        chosen = joined.split(",")
        counts.update(chosen)
        answered += 1
        correct += question.is_correct(chosen)
    results = tuple(
        OptionResult(
            option=o,
            count=counts[o.id],
            is_key=o.id in question.key,
            rationale=question.option(o.id).rationale,
        )
        for o in card.options
    )
    return RevealCard(
        question=card,
        results=results,
        explanation=question.explanation,
        references=question.references,
        answered=answered,
        correct=correct,
    )
