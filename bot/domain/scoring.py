"""Scoring rules: points from correctness and difficulty, and per-member answer streaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ScoringPolicy:
    """How an answer turns into points.

    A correct answer earns `points_per_level` × difficulty (10, 20 or 30 by default); a wrong
    answer earns nothing and costs nothing. There is no speed element unless `speed_bonus` is set:
    then a correct answer in the first `fast_fraction` of the answer window earns that much more.
    """

    points_per_level: int = 10
    speed_bonus: int = 0
    fast_fraction: float = 0.25

    def points(
        self,
        *,
        correct: bool,
        difficulty: int,
        answered_at: datetime,
        opened_at: datetime,
        closes_at: datetime,
    ) -> int:
        if not correct:
            return 0
        points = self.points_per_level * difficulty
        if self.speed_bonus:
            fast_until = opened_at + (closes_at - opened_at) * self.fast_fraction
            if answered_at <= fast_until:
                points += self.speed_bonus
        return points


@dataclass(frozen=True)
class Streak:
    """Consecutive drops of a team that a member answered, counted by the drop's sequence number."""

    current: int = 0
    best: int = 0
    last_seq: int = 0

    def after_answer(self, seq: int) -> Streak:
        """The streak once the member has answered drop number `seq` of the team."""
        if seq <= self.last_seq:  # a late answer to an older drop that is still open
            return self
        current = self.current + 1 if seq == self.last_seq + 1 else 1
        return Streak(current, max(self.best, current), seq)

    def shown(self, last_closed_seq: int) -> int:
        """The streak as it stands: broken once a later drop closed without this member's answer."""
        return self.current if self.last_seq >= last_closed_seq else 0
