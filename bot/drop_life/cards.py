"""Builds the question and reveal view models of a drop from stored rows."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from bot.domain.exam import ExamPack, Question, QuestionType, statement_answers
from bot.service.views import CardOption, CaseCard, OptionResult, QuestionCard, RevealCard


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
        kind=question.type,
        case=_case_card(pack, question),
    )


def _case_card(pack: ExamPack, question: Question) -> CaseCard | None:
    if question.case_id is None:
        return None
    for case in pack.cases:
        if case.id == question.case_id:
            return CaseCard(
                case.id, case.title, case.scenario, question.case_position, len(case.question_ids)
            )
    return None


def reveal_card(card: QuestionCard, question: Question, choices: Iterable[str]) -> RevealCard:
    """The reveal: key, explanation, references and how many picked each option.

    `choices` holds each stored answer's tokens joined by commas (answer_form); what each
    result counts depends on the question's type (OptionResult).
    """
    counts: Counter[str] = Counter()
    answered = correct = 0
    for joined in choices:
        chosen = joined.split(",")
        counts.update(_counted(question, chosen))
        answered += 1
        correct += question.is_correct(chosen)
    shown = card.options
    if question.type is QuestionType.ORDER:  # the steps in the right order
        shown = tuple(sorted(shown, key=lambda o: question.key_order.index(o.id)))
    results = tuple(
        OptionResult(
            option=o,
            count=counts[o.id],
            is_key=o.id in question.key,
            rationale=question.option(o.id).rationale,
        )
        for o in shown
    )
    return RevealCard(
        question=card,
        results=results,
        explanation=question.explanation,
        references=question.references,
        answered=answered,
        correct=correct,
    )


def _counted(question: Question, tokens: list[str]) -> list[str]:
    """The option ids one answer adds to the reveal's counts."""
    if question.type is QuestionType.ORDER:
        return [t for t, right in zip(tokens, question.key_order, strict=False) if t == right]
    if question.type is QuestionType.YESNO:
        return [oid for oid, said in statement_answers(tokens).items() if said == "yes"]
    return tokens
