"""A right or a wrong answer to any question, in the tokens its type is answered with."""

from __future__ import annotations

from bot.domain.exam import Question, QuestionType


def right_answer(q: Question) -> tuple[str, ...]:
    if q.type is QuestionType.ORDER:
        return q.key_order
    if q.type is QuestionType.YESNO:
        return tuple(f"{o}={'yes' if o in q.key else 'no'}" for o in q.option_ids)
    return tuple(sorted(q.key))


def wrong_answer(q: Question) -> tuple[str, ...]:
    if q.type is QuestionType.ORDER:
        return q.key_order[1:] + q.key_order[:1]
    if q.type is QuestionType.YESNO:
        return tuple(f"{o}={'no' if o in q.key else 'yes'}" for o in q.option_ids)
    return tuple(o for o in q.option_ids if o not in q.key)[: q.pick]
