"""The daily result and the weekly digest in plain words: every door's fallback and
notification text (Slack's `text`, the Teams summary, the playground's log)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.service.views import DailyResult, LeaderboardRow, WeeklyDigest

NOBODY_ANSWERED = "Nobody answered last week. A new week, a new start!"


def daily_result_text(result: DailyResult, strong: Callable[[str], str] = str) -> str:
    """The result's sentence; `strong` marks up the question's title and the key (a door's
    bold, escaping what it must); everything else is fixed words and numbers."""
    card = result.question
    title = strong(f"Question #{card.seq} ({card.domain_id} {card.domain_name})")
    keys = strong(result.answer_text)
    if result.percent_right is None:
        return (
            f"{title} has closed with no answers. The answer was {keys}. "
            "The next one is coming soon!"
        )
    return (
        f"{title} has closed: {result.answered} answered, {result.correct} right "
        f"({result.percent_right} %). The answer was {keys}."
    )


def digest_title(digest: WeeklyDigest) -> str:
    return f"Last week's leaderboard ({digest.week_start:%d %b} – {digest.week_end:%d %b %Y})"


def digest_lines(digest: WeeklyDigest) -> list[tuple[str, str]]:
    """(board name, its top answerers) for the overall board and each domain with answers."""
    if not digest.overall:
        return []
    lines = [("Overall", top_text(digest.overall))]
    lines += [(f"{b.domain_id} {b.domain_name}", top_text(b.rows)) for b in digest.domains]
    return lines


def top_text(rows: Sequence[LeaderboardRow]) -> str:
    return ", ".join(
        f"{row.rank}. {row.display_name} ({row.points} pts, {row.correct}/{row.answered})"
        for row in rows
    )


def weekly_digest_text(digest: WeeklyDigest) -> str:
    lines = [digest_title(digest)]
    boards = digest_lines(digest)
    if not boards:
        lines.append(NOBODY_ANSWERED)
    lines += [f"{name}: {top}" for name, top in boards]
    return "\n".join(lines)
