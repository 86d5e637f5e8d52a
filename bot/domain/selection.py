"""Choosing a team's next question: no repeats, weak domains more often, exam weights respected."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.exam import Domain, Question, QuestionType
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


# The item types the chat doors can post and take answers to. Order-the-steps, yes/no series and
# case studies are in the pack format, the lint and the scoring, but no door renders them yet, so
# they are never drawn for a drop (docs/scoring.md).
DROPPABLE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})


def droppable(question: Question) -> bool:
    """Whether a drop may post this question today."""
    return question.type in DROPPABLE_TYPES and question.case_id is None


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
    The same inputs and the same `rng` seed give the same question.
    """
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
