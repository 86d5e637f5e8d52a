"""The channel messages the engine posts, as view models: the daily result and the weekly digest.

Each door renders them (Block Kit, an Adaptive Card, plain text); adapters/plain_text.py holds
the plain wording that every door also sends as its fallback and notification text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.service.views import DailyResult, DigestBoard, LeaderboardView, RevealCard, WeeklyDigest

DIGEST_TOP = 3  # answerers shown per board


def daily_result(reveal: RevealCard) -> DailyResult:
    return DailyResult(
        question=reveal.question,
        key_labels=tuple(reveal.key_labels),
        answered=reveal.answered,
        correct=reveal.correct,
    )


def weekly_digest(overall: LeaderboardView, by_domain: Sequence[LeaderboardView]) -> WeeklyDigest:
    """Last week's digest from its overall and per-domain leaderboards."""
    start = overall.period_start
    rows = overall.rows[:DIGEST_TOP]
    return WeeklyDigest(
        team_name=overall.team_name,
        week_start=start,
        week_end=start + timedelta(days=6),
        overall=rows,
        domains=tuple(
            DigestBoard(view.domain_id or "", view.domain_name, view.rows[:DIGEST_TOP])
            for view in by_domain
            if rows and view.rows
        ),
    )
