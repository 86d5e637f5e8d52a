"""Runs the HTTP service: builds the core, serves it with uvicorn, closes it on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from fastapi import FastAPI

from bot.bootstrap import build_service, start_doors, stop_doors
from bot.runtime import settle_heap
from bot.service.context import Core
from bot.service.dispatch import DeliveryEngine, EngineSettings
from bot.service.pacing import Pacer
from bot.settings import Settings

log = logging.getLogger("studybot")
REQUESTS_GRACE = 5  # seconds for accepted requests (answers awaiting their batch) to finish
ENGINE_GRACE = 3.0  # then seconds for posts under way
FOLLOW_UP_GRACE = 1.0  # then for private replies; a stop takes well under 10 s in all
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn's server that also tells the drop engine to stop the moment a stop signal comes."""

    def __init__(self, config: uvicorn.Config, on_stop: list[DeliveryEngine]) -> None:
        super().__init__(config)
        self._on_stop = on_stop

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        for engine in self._on_stop:
            engine.stop()


async def serve(settings: Settings) -> None:
    core, app = await build_service(settings)
    url = f"http://{settings.host}:{settings.port}/"
    log.info("studybot is running at %s (health check: %shealthz)", url, url)
    if settings.playground:
        log.info("open %s in a browser to try the playground study channel", url)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=REQUESTS_GRACE,
    )
    ticker = None
    engines: list[DeliveryEngine] = []
    restore = _exit_cleanly_after_signals()
    try:
        await start_doors(app)
        if settings.scheduler:
            engines.append(build_engine(core, settings))
            ticker = start_engine(core, settings, engines[0])
        settle_heap()
        # on SIGTERM uvicorn stops accepting, lets accepted requests finish, then returns here
        await _Server(config, engines).serve()
    finally:
        if ticker is not None:
            ticker.shutdown(wait=False)
        for engine in engines:
            await engine.drain(ENGINE_GRACE)
        await _finish_follow_ups(app)
        await stop_doors(app)
        await core.db.dispose()
        restore()
    log.info("studybot stopped")


async def _finish_follow_ups(app: FastAPI) -> None:
    """Private replies to answers already stored (Slack) get a moment before the door closes."""
    door = app.state.slack
    if door is not None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FOLLOW_UP_GRACE):
                await door.deps.background.settle()


def _exit_cleanly_after_signals() -> Callable[[], None]:
    """uvicorn re-raises the stop signal once it has shut down; with the default handler that
    kills the process before the engine hands its drops back. A no-op handler lets the stop
    finish and the process exit 0. Returns the function that puts the old handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in STOP_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def build_engine(core: Core, settings: Settings) -> DeliveryEngine:
    return DeliveryEngine(
        core,
        EngineSettings(
            owner=settings.replica_name,
            grace=timedelta(minutes=settings.grace_minutes),
            lease=timedelta(seconds=settings.lease_seconds),
            max_attempts=settings.max_attempts,
        ),
        Pacer(per_org_rate=settings.org_posts_per_second),
    )


def start_engine(
    core: Core, settings: Settings, engine: DeliveryEngine | None = None
) -> AsyncIOScheduler:
    """APScheduler as a local ticker only: the database decides what is due, so any number of
    replicas may tick; one tick runs at a time here, and a slow one is never doubled up."""
    engine = engine or build_engine(core, settings)

    async def tick() -> None:
        if engine.stopping:
            return
        try:
            report = await engine.tick()
            if report.planned.created or report.posted or report.failed or report.revealed:
                log.info("engine: %s", report)
            # drops are planned ahead; wake exactly when the next one is due
            due = await engine.next_due()
            if due is not None and due < core.clock.now() + timedelta(
                seconds=settings.tick_seconds
            ):
                ticker.add_job(
                    engine.deliver_due,
                    DateTrigger(run_date=max(due, core.clock.now())),
                    id="deliver-on-time",
                    replace_existing=True,
                    misfire_grace_time=None,
                )
        except Exception:  # keep ticking; the next tick retries what this one could not do
            log.exception("engine tick failed")

    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    ticker = AsyncIOScheduler()
    ticker.add_job(
        tick,
        IntervalTrigger(seconds=settings.tick_seconds),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=core.clock.now(),
    )
    ticker.start()
    log.info("drop engine ticking every %d s as %s", settings.tick_seconds, settings.replica_name)
    return ticker
