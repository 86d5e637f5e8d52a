"""What every service function needs: the database, the exam pack, the clock and the platforms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from bot.domain.exam import ExamPack, Question
from bot.domain.scoring import ScoringPolicy
from bot.observability.metered import MeteredPlatform
from bot.ports import ChatPlatform, Clock, DashboardLinks
from bot.service.commands import SubmitAnswer
from bot.service.engine_clock import EngineStatus
from bot.service.group_commit import GroupCommit
from bot.service.views import AnswerFeedback
from bot.storage.database import Database


@dataclass
class Core:
    db: Database
    pack: ExamPack
    questions: dict[str, Question]  # every question ever loaded, retired ones included
    clock: Clock
    scoring: ScoringPolicy = field(default_factory=ScoringPolicy)
    seed: int | None = None  # fixes every selection when set (tests, demos)
    platforms: dict[str, ChatPlatform] = field(default_factory=dict)
    answer_queue: GroupCommit[SubmitAnswer, AnswerFeedback] | None = None  # see answers.py
    dashboard_links: DashboardLinks | None = None  # None while the dashboard is off
    engine: EngineStatus = field(default_factory=EngineStatus)  # this process's drop engine

    def platform(self, name: str) -> ChatPlatform:
        """The platform's port, its calls counted in the metrics (bot/observability/metered.py)."""
        try:
            inner = self.platforms[name]
        except KeyError:
            raise LookupError(f"no chat platform {name!r} is connected") from None
        return cast(ChatPlatform, MeteredPlatform(inner))
