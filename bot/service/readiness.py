"""Exam readiness per domain: accuracy so far, weighted by the exam's domain weights, against
the pass mark (an estimate, explained in docs/web.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.domain.exam import ExamPack
from bot.domain.periods import ALL_TIME_START, Period
from bot.service.context import Core
from bot.storage.tables import member_stats

MIN_ANSWERS = 20  # fewer answers than this in a domain: the estimate is marked as uncertain


@dataclass(frozen=True)
class DomainReadiness:
    domain_id: str
    domain_name: str
    weight: float  # the domain's share of the exam, % (middle of the official range, normalised)
    answered: int
    correct: int
    estimate: float  # estimated probability of a right answer in this domain, 0..1

    @property
    def enough_answers(self) -> bool:
        return self.answered >= MIN_ANSWERS

    def ready(self, pass_share: float) -> bool:
        return self.estimate >= pass_share


@dataclass(frozen=True)
class ReadinessView:
    domains: tuple[DomainReadiness, ...]
    estimated_score: int
    pass_mark: int
    score_min: int
    score_max: int

    @property
    def pass_share(self) -> float:
        """The pass mark as a share of the score range (700 of 1–1000 is about 0.7)."""
        return (self.pass_mark - self.score_min) / (self.score_max - self.score_min)

    @property
    def on_track(self) -> bool:
        return self.estimated_score >= self.pass_mark


def estimate_readiness(pack: ExamPack, totals: Mapping[str, tuple[int, int]]) -> ReadinessView:
    """totals maps a domain id to (answered, correct). Each domain's accuracy is smoothed as
    (correct + 1) / (answered + 2), so a domain with few answers stays near 50 % instead of 0 or
    100 %; the score is the score range scaled by the weight-averaged estimates."""
    weight_sum = sum(d.weight_mid for d in pack.domains) or 1.0
    domains = []
    for d in pack.domains:
        answered, correct = totals.get(d.id, (0, 0))
        domains.append(
            DomainReadiness(
                d.id,
                d.name,
                round(100 * d.weight_mid / weight_sum, 1),
                answered,
                correct,
                (correct + 1) / (answered + 2),
            )
        )
    exam = pack.exam
    expected = sum(d.estimate * d.weight for d in domains) / 100
    score = round(exam.score_min + expected * (exam.score_max - exam.score_min))
    return ReadinessView(tuple(domains), score, exam.pass_mark, exam.score_min, exam.score_max)


async def show_readiness(core: Core, team_ids: Sequence[int]) -> ReadinessView:
    """Readiness of the members of these teams together, from all their answers so far."""
    totals: dict[str, tuple[int, int]] = {}
    if team_ids:
        async with core.db.read() as conn:
            for domain_id, answered, correct in await conn.execute(
                select(
                    member_stats.c.domain_id,
                    func.sum(member_stats.c.answered),
                    func.sum(member_stats.c.correct),
                )
                .where(
                    member_stats.c.team_id.in_(list(team_ids)),
                    member_stats.c.period == Period.ALL.value,
                    member_stats.c.period_start == ALL_TIME_START,
                )
                .group_by(member_stats.c.domain_id)
            ):
                totals[str(domain_id)] = (int(answered), int(correct))
    return estimate_readiness(core.pack, totals)
