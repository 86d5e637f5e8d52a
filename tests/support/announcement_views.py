"""Daily results and weekly digests as the core builds them, for the doors' rendering tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.periods import Period
from bot.drop_life.announcements import daily_result, weekly_digest
from bot.service.views import (
    CardOption,
    DailyResult,
    LeaderboardRow,
    LeaderboardView,
    OptionResult,
    QuestionCard,
    RevealCard,
    WeeklyDigest,
)

OPENED = datetime(2026, 3, 4, 9, tzinfo=UTC)
WEEK = date(2026, 3, 2)


def result(
    *, answered: int = 15, correct: int = 5, keys: str = "AC", domain_name: str = "Pipelines"
) -> DailyResult:
    options = tuple(CardOption(label.lower(), label, f"Option {label}") for label in "ABCD")
    card = QuestionCard(
        drop_id=7,
        team_id=1,
        seq=42,
        question_id="q-1",
        domain_id="D1",
        domain_name=domain_name,
        objective_id="D1.1",
        objective_name="Triggers",
        stem="Which trigger?",
        options=options,
        pick=len(keys),
        difficulty=2,
        opened_at=OPENED,
        closes_at=OPENED + timedelta(hours=8),
    )
    results = tuple(OptionResult(o, 1, o.label in keys, "") for o in options)
    return daily_result(RevealCard(card, results, "Because.", (), answered, correct))


def row(rank: int, name: str) -> LeaderboardRow:
    return LeaderboardRow(rank, rank, f"U{rank}", name, 100 - rank, 5, 6)


def board(domain_id: str | None, name: str, rows: int, member: str = "Ada") -> LeaderboardView:
    return LeaderboardView(
        1,
        "Study room",
        Period.WEEK,
        WEEK,
        domain_id,
        name,
        tuple(row(i, f"{member} {i}") for i in range(1, rows + 1)),
        rows,
    )


def digest(*, domains: int = 3, rows: int = 5, member: str = "Ada") -> WeeklyDigest:
    """Last week's digest; the second domain has no answers."""
    per_domain = [
        board(f"D{i}", f"Domain {i}", 0 if i == 2 else min(rows, 3), member)
        for i in range(1, domains + 1)
    ]
    return weekly_digest(board(None, "All domains", rows, member), per_domain)
