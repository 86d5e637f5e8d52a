"""The speed bonus, switched on by STUDYBOT_SPEED_BONUS, rewards correct answers in the first
quarter of a drop's window, counted from when the drop opened to when the answer arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.bootstrap import build_core
from bot.domain.periods import Period
from bot.drop_life.start_close import close_drop, start_drop
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, ShowLeaderboard, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.leaderboards import show_leaderboard
from bot.settings import Settings
from bot.storage.database import Database
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock, FakePlatform

BONUS = 7
WINDOW = timedelta(minutes=60)  # the fast quarter is the first 15 minutes


@pytest.fixture
async def bonus_core(
    migrated_database: Database,
    clock: FakeClock,
    platform: FakePlatform,
    settings_env: dict[str, str],
) -> AsyncIterator[Core]:
    settings = Settings.from_env({**settings_env, "STUDYBOT_SPEED_BONUS": str(BONUS)})
    built = await build_core(
        settings, clock=clock, platforms={"fake": platform}, database=migrated_database
    )
    yield built
    await built.db.dispose()


async def points_by_member(core: Core, clock: FakeClock, after: dict[str, float]) -> dict[str, int]:
    """Each member answers one drop correctly `after` minutes; the drop is then revealed."""
    await register(core)
    clock.advance(hours=1)  # the drop opens now, well after the team was set up
    card = await start_drop(core, StartDrop(CHANNEL, window=WINDOW))
    key = tuple(sorted(core.questions[card.question_id].key))
    opened = clock.current
    for user, minutes in sorted(after.items(), key=lambda item: item[1]):
        clock.current = opened + timedelta(minutes=minutes)
        await submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, user, user, key))
    clock.current = opened + WINDOW
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    view = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    return {r.user_id: r.points for r in view.rows}


async def test_a_fast_correct_answer_earns_the_configured_bonus(
    bonus_core: Core, clock: FakeClock
) -> None:
    points = await points_by_member(bonus_core, clock, {"fast": 1, "edge": 15, "slow": 16})
    base = points["slow"]
    assert base > 0
    assert points["fast"] == base + BONUS
    assert points["edge"] == base + BONUS


async def test_without_the_setting_there_is_no_speed_element(core: Core, clock: FakeClock) -> None:
    points = await points_by_member(core, clock, {"fast": 1, "slow": 40})
    assert points["fast"] == points["slow"] > 0
