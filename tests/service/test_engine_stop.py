"""A stop that cuts the ticker's job short ends it quietly: no error and no traceback in the log."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

import bot.drop_life.engine
from bot.serve import build_engine, start_engine
from bot.service.context import Core
from bot.settings import Settings
from tests.fakes import FakeClock
from tests.support.waiting import until


async def test_a_tick_cut_short_by_the_stop_logs_no_error(
    core: Core,
    clock: FakeClock,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    planning = asyncio.Event()

    async def planning_that_outlasts_the_grace(*_: object, **__: object) -> object:
        planning.set()
        await asyncio.Event().wait()  # a tick still at work when the stop's grace is over
        raise AssertionError("unreachable")

    monkeypatch.setattr(bot.drop_life.engine, "plan_due_drops", planning_that_outlasts_the_grace)
    clock.current = datetime.now(UTC)  # the ticker schedules by the real clock
    settings = Settings.from_env(settings_env)
    engine = build_engine(core, settings)
    engine.clock.use_database = False  # the core's clock is a fake, not the server's
    running: set[asyncio.Task[object]] = set()
    caplog.set_level(logging.INFO)
    ticker = start_engine(core, settings, engine, running)
    try:
        await until(planning.is_set, what="the first tick to begin")
        ticker.shutdown(wait=False)
        await engine.drain(0.0)
        await until(lambda: not running, what="the tick to end")
    finally:
        if ticker.running:
            ticker.shutdown(wait=False)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert "Traceback" not in caplog.text
