"""View models the core returns; each door renders them (Block Kit, Adaptive Cards, HTML)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.answer_form import answer_labels, spoken
from bot.domain.exam import QuestionType
from bot.domain.periods import Period
from bot.domain.schedule import Schedule


@dataclass(frozen=True)
class CardOption:
    id: str
    label: str  # A, B, C … in display order
    text: str


@dataclass(frozen=True)
class CaseCard:
    """The case study a question belongs to: its scenario, readable from each of its questions."""

    case_id: str
    title: str
    scenario: str  # paragraphs separated by a blank line (the pack loader keeps them so)
    position: int  # 1, 2 … of `size`
    size: int

    @property
    def paragraphs(self) -> list[str]:
        return self.scenario.split("\n\n")


@dataclass(frozen=True)
class QuestionCard:
    drop_id: int
    team_id: int
    seq: int
    question_id: str
    domain_id: str
    domain_name: str
    objective_id: str
    objective_name: str
    stem: str
    options: tuple[CardOption, ...]
    pick: int
    difficulty: int
    opened_at: datetime
    closes_at: datetime
    answer_count: int = 0
    # order: `options` are the steps, shuffled; yesno: the statements, as written
    kind: QuestionType = QuestionType.SINGLE
    case: CaseCard | None = None

    @property
    def multiple(self) -> bool:
        return self.pick > 1

    def labels_of(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """A stored answer's labels as this card shows its options (see answer_form)."""
        return answer_labels(self.kind, [o.id for o in self.options], tokens)


@dataclass(frozen=True)
class OptionResult:
    """One option in the reveal. By the question's kind, `count` is how many chose the option
    (single, multiple), put the step in its right position (order; the results then run in the
    right order) or answered the statement Yes (yesno, where `is_key` means its answer is Yes)."""

    option: CardOption
    count: int
    is_key: bool
    rationale: str


@dataclass(frozen=True)
class RevealCard:
    question: QuestionCard
    results: tuple[OptionResult, ...]
    explanation: str
    references: tuple[str, ...]
    answered: int
    correct: int

    @property
    def key_labels(self) -> list[str]:
        if self.question.kind is QuestionType.YESNO:
            return [f"{r.option.label} {'Yes' if r.is_key else 'No'}" for r in self.results]
        return [r.option.label for r in self.results if r.is_key]

    @property
    def answer_text(self) -> str:
        """The key as one phrase: "A and C", "C → A → D → B", "A Yes, B No, C Yes"."""
        return spoken(self.question.kind, self.key_labels)


@dataclass(frozen=True)
class DailyResult:
    """Posted to the channel after a reveal: how the team did on the question."""

    question: QuestionCard
    key_labels: tuple[str, ...]
    answered: int
    correct: int

    @property
    def answer_text(self) -> str:
        return spoken(self.question.kind, self.key_labels)

    @property
    def percent_right(self) -> int | None:
        """The share of right answers in whole percent; None when nobody answered."""
        return round(100 * self.correct / self.answered) if self.answered else None


class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    CLOSED = "closed"


@dataclass(frozen=True)
class AnswerFeedback:
    status: AnswerStatus
    message: str
    drop_id: int
    chosen_labels: tuple[str, ...]  # in the order answer_form.spoken reads them
    correct: bool | None = None  # set only when the reveal mode gives private feedback
    explanation: str | None = None


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    member_id: int
    user_id: str
    display_name: str
    points: int
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class LeaderboardView:
    team_id: int
    team_name: str
    period: Period
    period_start: date
    domain_id: str | None
    domain_name: str
    rows: tuple[LeaderboardRow, ...]
    total_members: int
    you: LeaderboardRow | None = None


@dataclass(frozen=True)
class DigestBoard:
    """One exam domain's top answerers of the week."""

    domain_id: str
    domain_name: str
    rows: tuple[LeaderboardRow, ...]


@dataclass(frozen=True)
class WeeklyDigest:
    """Posted on the digest day: last week's top answerers overall and per domain.

    `domains` holds only the domains somebody answered in; both are empty when nobody answered.
    """

    team_name: str
    week_start: date
    week_end: date  # the Sunday, inclusive
    overall: tuple[LeaderboardRow, ...]
    domains: tuple[DigestBoard, ...]


@dataclass(frozen=True)
class DomainProgress:
    domain_id: str
    domain_name: str
    answered: int
    correct: int
    points: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class MemberProgressView:
    team_name: str
    display_name: str
    domains: tuple[DomainProgress, ...]
    streak: int
    best_streak: int
    rank: int | None
    ranked_members: int

    @property
    def weakest_domain(self) -> DomainProgress | None:
        tried = [d for d in self.domains if d.accuracy is not None]
        return min(tried, key=lambda d: (d.accuracy, d.domain_id)) if tried else None


@dataclass(frozen=True)
class TeamReport:
    team_id: int
    team_name: str
    members: int
    active_members: int
    answers: int
    domains: tuple[DomainProgress, ...]

    @property
    def participation(self) -> float:
        return self.active_members / self.members if self.members else 0.0


@dataclass(frozen=True)
class TeamStanding:
    """One team's place in its organisation, over every domain or one."""

    rank: int
    team_name: str
    members: int
    active_members: int
    answered: int
    correct: int
    points: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class OrgReportView:
    org_name: str
    period: Period
    teams: tuple[TeamReport, ...]
    domains: tuple[DomainProgress, ...]

    def ranking(self, domain_id: str | None = None) -> tuple[TeamStanding, ...]:
        """The teams by points (then right answers, then fewer answers, then name), in one
        domain or all; the same tie rules as a team's own leaderboard."""
        totals = []
        for t in self.teams:
            chosen = [d for d in t.domains if domain_id in (None, d.domain_id)]
            answered, correct = sum(d.answered for d in chosen), sum(d.correct for d in chosen)
            points = sum(d.points for d in chosen)
            totals.append((t.team_name, t.members, t.active_members, answered, correct, points))
        totals.sort(key=lambda r: (-r[5], -r[4], r[3], r[0].casefold()))
        return tuple(TeamStanding(i, *row) for i, row in enumerate(totals, start=1))


@dataclass(frozen=True)
class ScheduleSubmission:
    """What became of a submitted schedule form: saved, or its field errors and nothing saved."""

    values: Mapping[str, object]  # as submitted, to show the form again for correcting
    saved: Schedule | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    current: Schedule | None = None  # the stored schedule, when the save refused the values
