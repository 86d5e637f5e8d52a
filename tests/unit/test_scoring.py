"""Points from correctness and difficulty (no speed element by default) and answer streaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.scoring import ScoringPolicy, Streak

OPEN = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
CLOSE = OPEN + timedelta(hours=8)


def points(policy: ScoringPolicy, correct: bool, difficulty: int, after: timedelta) -> int:
    return policy.points(
        correct=correct,
        difficulty=difficulty,
        answered_at=OPEN + after,
        opened_at=OPEN,
        closes_at=CLOSE,
    )


def test_points_grow_with_difficulty_and_wrong_answers_score_nothing() -> None:
    policy = ScoringPolicy()
    assert [points(policy, True, d, timedelta(0)) for d in (1, 2, 3)] == [10, 20, 30]
    assert points(policy, False, 3, timedelta(0)) == 0


def test_no_speed_penalty_by_default() -> None:
    policy = ScoringPolicy()
    assert points(policy, True, 2, timedelta(minutes=1)) == points(
        policy, True, 2, timedelta(hours=7, minutes=59)
    )


def test_optional_speed_bonus_in_the_first_quarter() -> None:
    policy = ScoringPolicy(speed_bonus=5)
    assert points(policy, True, 2, timedelta(hours=2)) == 25
    assert points(policy, True, 2, timedelta(hours=2, seconds=1)) == 20
    assert points(policy, False, 2, timedelta(0)) == 0


def test_streak_counts_consecutive_drops() -> None:
    s = Streak()
    for seq in (1, 2, 3):
        s = s.after_answer(seq)
    assert (s.current, s.best) == (3, 3)
    s = s.after_answer(5)  # missed drop 4
    assert (s.current, s.best, s.last_seq) == (1, 3, 5)


def test_late_answer_to_an_older_open_drop_keeps_the_streak() -> None:
    s = Streak().after_answer(1).after_answer(2).after_answer(4)
    assert s.after_answer(3) == s


def test_shown_streak_breaks_once_a_later_drop_closed_unanswered() -> None:
    s = Streak().after_answer(1).after_answer(2)
    assert s.shown(last_closed_seq=2) == 2
    assert s.shown(last_closed_seq=3) == 0
