"""Counts of a pack's questions per domain, objective, bullet and item type, against the weights."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.domain.exam import ExamPack, QuestionType

COVERAGE_MIN = 3  # questions every outline bullet needs


@dataclass(frozen=True)
class DomainShare:
    domain_id: str
    name: str
    questions: int
    share: float
    weight_min: float
    weight_max: float

    @property
    def within_weight(self) -> bool:
        return self.weight_min <= self.share <= self.weight_max


@dataclass(frozen=True)
class PackStats:
    total: int
    multiple: int
    domains: tuple[DomainShare, ...]
    objectives: dict[str, int]
    difficulty: dict[int, int]
    bullets: dict[str, int]  # questions tagged with each outline bullet, in outline order
    types: dict[str, int]  # questions of each item type (single, multiple, order, yesno)
    cases: int = 0  # case studies

    @property
    def thin_bullets(self) -> dict[str, int]:
        """Bullets with fewer than COVERAGE_MIN questions."""
        return {b: n for b, n in self.bullets.items() if n < COVERAGE_MIN}


def pack_stats(pack: ExamPack) -> PackStats:
    per_domain = Counter(q.domain_id for q in pack.questions)
    per_objective = Counter(q.objective_id for q in pack.questions)
    per_bullet = Counter(b for q in pack.questions for b in q.bullets)
    total = len(pack.questions)
    shares = tuple(
        DomainShare(
            d.id,
            d.name,
            per_domain[d.id],
            round(100 * per_domain[d.id] / total, 1) if total else 0.0,
            d.weight_min,
            d.weight_max,
        )
        for d in pack.domains
    )
    return PackStats(
        total=total,
        multiple=sum(q.type is QuestionType.MULTIPLE for q in pack.questions),
        domains=shares,
        objectives={o: per_objective[o] for o in pack.objectives()},
        difficulty={
            level: sum(q.difficulty == level for q in pack.questions) for level in (1, 2, 3)
        },
        bullets={b: per_bullet[b] for b in pack.bullets()},
        types={t.value: sum(q.type is t for q in pack.questions) for t in QuestionType},
        cases=len(pack.cases),
    )


def format_stats(pack: ExamPack, stats: PackStats) -> str:
    lines = [f"{pack.exam.code} — {pack.exam.title}: {stats.total} questions"]
    if pack.exam.outline_as_of:
        lines.append(f"outline: skills measured as of {pack.exam.outline_as_of.isoformat()}")
    if pack.exam.outline_source:
        lines.append(f"outline source: {pack.exam.outline_source}")
    if stats.total:
        lines.append(
            f"multiple answer: {stats.multiple} ({100 * stats.multiple / stats.total:.0f} %); "
            "difficulty 1/2/3: " + "/".join(str(stats.difficulty[d]) for d in (1, 2, 3))
        )
        lines.append(
            "item types: "
            + ", ".join(f"{kind} {count}" for kind, count in stats.types.items())
            + f"; case studies: {stats.cases} "
            f"({sum(len(c.question_ids) for c in pack.cases)} questions)"
        )
    lines.append("")
    lines.append(f"{'domain':<6} {'questions':>9} {'share':>7}  {'exam weight':<11}  ")
    for d in stats.domains:
        mark = "ok" if d.within_weight else ("below" if d.share < d.weight_min else "above")
        lines.append(
            f"{d.domain_id:<6} {d.questions:>9} {d.share:>6.1f}%  "
            f"{d.weight_min:>4.0f}-{d.weight_max:<4.0f}%   {mark}  {d.name}"
        )
    lines.append("")
    lines.append("objective  questions")
    for oid, count in stats.objectives.items():
        lines.append(f"{oid:<10} {count:>9}{'' if count >= 3 else '   (fewer than 3)'}")
    if stats.bullets:
        bullets = pack.bullets()
        covered = len(stats.bullets) - len(stats.thin_bullets)
        lines.append("")
        lines.append(
            f"outline bullets: {covered} of {len(stats.bullets)} have at least {COVERAGE_MIN} "
            "questions"
        )
        lines.append("bullet     questions")
        for bid, count in stats.bullets.items():
            mark = f"  below {COVERAGE_MIN}" if count < COVERAGE_MIN else ""
            lines.append(f"{bid:<10} {count:>9}{mark:<9}  {bullets[bid].text}")
    return "\n".join(lines)
