"""Choosing a team's next question: no repeats, weak domains more often, exam weights respected."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.exam import Domain, Question
from bot.errors import NoQuestionsError


@dataclass(frozen=True)
class DomainRecord:
    """A team's answers so far in one domain."""

    answered: int = 0
    correct: int = 0

    @property
    def weakness(self) -> float:
        """Share of wrong answers, smoothed so an untried domain counts as 0.5 (Laplace)."""
        return (self.answered - self.correct + 1) / (self.answered + 2)


def domain_weights(
    domains: Sequence[Domain], records: Mapping[str, DomainRecord]
) -> dict[str, float]:
    """Draw weight per domain: the middle of its exam weight range × the team's weakness in it."""
    return {d.id: d.weight_mid * records.get(d.id, DomainRecord()).weakness for d in domains}


def droppable(question: Question) -> bool:
    """Whether a drop may draw this question: a case study is drawn only by its first question,
    the others follow it on the team's next drops (`next_in_case`)."""
    return question.case_position <= 1


def next_in_case(questions: Sequence[Question], last_question_id: str | None) -> Question | None:
    """The question that continues the case study the team's last drop belongs to, if any."""
    last = next((q for q in questions if q.id == last_question_id), None)
    if last is None or last.case_id is None:
        return None
    return next(
        (
            q
            for q in questions
            if q.case_id == last.case_id and q.case_position == last.case_position + 1
        ),
        None,
    )


def choose_question(
    questions: Sequence[Question],
    domains: Sequence[Domain],
    times_dropped: Mapping[str, int],
    records: Mapping[str, DomainRecord],
    rng: random.Random,
    *,
    focus_domain: str | None = None,
    last_question_id: str | None = None,
) -> Question:
    """Pick the next question for a team.

    Eligible questions are those of the focus domain (if an admin set one), else all. Among them
    only the ones dropped the fewest times are candidates, so nothing repeats until the eligible
    pool is used up. The domain is drawn with probability proportional to its weight (see
    `domain_weights`) among domains that still have candidates; the question uniformly within it.
    The same inputs and the same `rng` seed give the same question. A case study that the last
    drop started is continued first, whatever the focus, so its questions come on consecutive
    drops.
    """
    following = next_in_case(questions, last_question_id)
    if following is not None:
        return following
    eligible = [
        q
        for q in questions
        if droppable(q) and (focus_domain is None or q.domain_id == focus_domain)
    ]
    if not eligible:
        where = f"in domain {focus_domain}" if focus_domain else "in the exam pack"
        raise NoQuestionsError(f"There are no questions {where} to choose from.")
    fewest = min(times_dropped.get(q.id, 0) for q in eligible)
    candidates = [q for q in eligible if times_dropped.get(q.id, 0) == fewest]
    if len(candidates) > 1 and last_question_id is not None:
        candidates = [q for q in candidates if q.id != last_question_id]

    by_domain: dict[str, list[Question]] = {}
    for q in sorted(candidates, key=lambda q: q.id):
        by_domain.setdefault(q.domain_id, []).append(q)
    weights = domain_weights([d for d in domains if d.id in by_domain], records)
    domain_ids = sorted(weights)
    if len(domain_ids) == 1:
        chosen_domain = domain_ids[0]
    else:
        chosen_domain = rng.choices(domain_ids, weights=[weights[d] for d in domain_ids])[0]
    return rng.choice(by_domain[chosen_domain])


def option_order(question: Question, rng: random.Random) -> tuple[str, ...]:
    """The display order of a question's options for one drop (kept as written if `ordered`)."""
    ids = list(question.option_ids)
    if not question.ordered:
        rng.shuffle(ids)
    if tuple(ids) == question.key_order:  # steps shown in the right order would give it away
        ids = ids[1:] + ids[:1]
    return tuple(ids)
