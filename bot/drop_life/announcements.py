"""Plain-text channel messages the engine posts: the daily result and the weekly digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.service.views import LeaderboardView, RevealCard


def daily_result_text(reveal: RevealCard) -> str:
    card = reveal.question
    keys = " and ".join(reveal.key_labels)
    if reveal.answered == 0:
        return (
            f"Question #{card.seq} ({card.domain_id} {card.domain_name}) has closed with no "
            f"answers. The answer was {keys}. The next one is coming soon!"
        )
    share = round(100 * reveal.correct / reveal.answered)
    return (
        f"Question #{card.seq} ({card.domain_id} {card.domain_name}) has closed: "
        f"{reveal.answered} answered, {reveal.correct} right ({share} %). The answer was {keys}."
    )


def weekly_digest_text(overall: LeaderboardView, by_domain: Sequence[LeaderboardView]) -> str:
    start = overall.period_start
    end = start + timedelta(days=6)
    lines = [f"Last week's leaderboard ({start:%d %b} – {end:%d %b %Y})"]
    if not overall.rows:
        lines.append("Nobody answered last week. A new week, a new start!")
        return "\n".join(lines)
    lines.append("Overall: " + _top(overall))
    for view in by_domain:
        if view.rows:
            lines.append(f"{view.domain_id} {view.domain_name}: " + _top(view))
    return "\n".join(lines)


def _top(view: LeaderboardView, count: int = 3) -> str:
    return ", ".join(
        f"{row.rank}. {row.display_name} ({row.points} pts, {row.correct}/{row.answered})"
        for row in view.rows[:count]
    )
