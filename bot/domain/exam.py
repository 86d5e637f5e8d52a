"""Exam packs as plain values: the exam, its weighted domains, objectives and questions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # `pick` options
    ORDER = "order"  # every step, put in order
    YESNO = "yesno"  # Yes or No for each of three statements


@dataclass(frozen=True)
class Bullet:
    """One bullet of the exam outline under an objective (our own wording of it)."""

    id: str
    objective_id: str
    text: str


@dataclass(frozen=True)
class Objective:
    id: str
    domain_id: str
    name: str
    summary: str
    bullets: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    weight_min: float
    weight_max: float
    objectives: tuple[Objective, ...]

    @property
    def weight_mid(self) -> float:
        """The middle of the official weight range, as a percentage."""
        return (self.weight_min + self.weight_max) / 2


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    rationale: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    objective_id: str
    domain_id: str
    type: QuestionType
    stem: str
    options: tuple[Option, ...]
    key: frozenset[str]
    explanation: str
    difficulty: int
    references: tuple[str, ...]
    last_verified: date
    pick: int = 1
    ordered: bool = False
    bullets: tuple[str, ...] = ()  # ids of the outline bullets the question tests
    # order: the steps' ids in the right order (`key` then holds all of them); empty otherwise
    key_order: tuple[str, ...] = ()
    case_id: str | None = None  # the case study the question belongs to, if any
    case_position: int = 0  # 1, 2 … within its case study

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    def is_correct(self, chosen: Iterable[str]) -> bool:
        """Right only when the whole answer is right (see docs/scoring.md).

        `chosen` is an answer as stored (docs/content-format.md): option ids for single and
        multiple, every step id in the member's order for order, `id=yes|no` tokens for yesno.
        """
        if self.type is QuestionType.ORDER:
            return tuple(chosen) == self.key_order
        if self.type is QuestionType.YESNO:
            said = statement_answers(chosen)
            return set(said) == set(self.option_ids) and all(
                (said[oid] == "yes") == (oid in self.key) for oid in self.option_ids
            )
        return frozenset(chosen) == self.key


def statement_answers(tokens: Iterable[str]) -> dict[str, str]:
    """A yes/no answer's tokens (`id=yes`, `id=no`) as statement id → "yes" or "no"."""
    return dict(token.partition("=")[::2] for token in tokens)


@dataclass(frozen=True)
class Case:
    """A case study: one longer scenario with several questions posted on consecutive drops."""

    id: str
    title: str
    scenario: str
    question_ids: tuple[str, ...]  # in posting order


@dataclass(frozen=True)
class Exam:
    code: str
    title: str
    pass_mark: int
    score_min: int
    score_max: int
    outline_as_of: date | None = None  # the study guide's "skills measured as of" date
    outline_source: str | None = None  # where that outline was read


@dataclass(frozen=True)
class ExamPack:
    exam: Exam
    domains: tuple[Domain, ...]
    questions: tuple[Question, ...] = field(default=())
    cases: tuple[Case, ...] = field(default=())

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def objectives(self) -> dict[str, Objective]:
        return {o.id: o for d in self.domains for o in d.objectives}

    def bullets(self) -> dict[str, Bullet]:
        """Every outline bullet of the pack by id, in outline order."""
        return {b.id: b for d in self.domains for o in d.objectives for b in o.bullets}

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)
