"""The daily result and the weekly digest: the core's view models and their plain wording."""

from __future__ import annotations

from datetime import date

from adapters.plain_text import daily_result_text, weekly_digest_text
from tests.support.announcement_views import digest, result


def test_the_daily_result_counts_the_answers_and_names_the_key() -> None:
    view = result(answered=15, correct=5, keys="AC")
    assert (view.question.seq, view.key_labels, view.answered, view.correct) == (
        42,
        ("A", "C"),
        15,
        5,
    )
    assert view.percent_right == 33
    assert daily_result_text(view) == (
        "Question #42 (D1 Pipelines) has closed: 15 answered, 5 right (33 %). "
        "The answer was A and C."
    )


def test_a_result_nobody_answered_says_so() -> None:
    view = result(answered=0, correct=0, keys="B")
    assert view.percent_right is None
    assert daily_result_text(view) == (
        "Question #42 (D1 Pipelines) has closed with no answers. The answer was B. "
        "The next one is coming soon!"
    )


def test_the_markup_touches_only_the_title_and_the_key() -> None:
    text = daily_result_text(result(keys="B"), lambda part: f"[{part}]")
    assert text == (
        "[Question #42 (D1 Pipelines)] has closed: 15 answered, 5 right (33 %). "
        "The answer was [B]."
    )


def test_the_digest_shows_the_top_three_overall_and_per_domain_with_answers() -> None:
    view = digest(domains=3, rows=5)
    assert (view.week_start, view.week_end) == (date(2026, 3, 2), date(2026, 3, 8))
    assert [r.rank for r in view.overall] == [1, 2, 3]
    assert [b.domain_id for b in view.domains] == ["D1", "D3"]  # D2: nobody answered
    assert weekly_digest_text(view) == "\n".join(
        [
            "Last week's leaderboard (02 Mar – 08 Mar 2026)",
            "Overall: 1. Ada 1 (99 pts, 5/6), 2. Ada 2 (98 pts, 5/6), 3. Ada 3 (97 pts, 5/6)",
            "D1 Domain 1: 1. Ada 1 (99 pts, 5/6), 2. Ada 2 (98 pts, 5/6), 3. Ada 3 (97 pts, 5/6)",
            "D3 Domain 3: 1. Ada 1 (99 pts, 5/6), 2. Ada 2 (98 pts, 5/6), 3. Ada 3 (97 pts, 5/6)",
        ]
    )


def test_a_week_nobody_answered_has_its_own_line() -> None:
    view = digest(rows=0)
    assert (view.overall, view.domains) == ((), ())
    assert weekly_digest_text(view) == (
        "Last week's leaderboard (02 Mar – 08 Mar 2026)\n"
        "Nobody answered last week. A new week, a new start!"
    )
