"""Runs the HTTP service: builds the core, serves it with uvicorn, closes it on shutdown."""

from __future__ import annotations

import logging
from datetime import timedelta

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.bootstrap import build_service, start_doors, stop_doors
from bot.runtime import settle_heap
from bot.service.context import Core
from bot.service.dispatch import DeliveryEngine, EngineSettings
from bot.service.pacing import Pacer
from bot.settings import Settings

log = logging.getLogger("studybot")


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
    )
    ticker = None
    try:
        await start_doors(app)
        ticker = start_engine(core, settings) if settings.scheduler else None
        settle_heap()
        await uvicorn.Server(config).serve()
    finally:
        if ticker is not None:
            ticker.shutdown(wait=False)
        await stop_doors(app)
        await core.db.dispose()


def build_engine(core: Core, settings: Settings) -> DeliveryEngine:
    return DeliveryEngine(
        core,
        EngineSettings(
            owner=settings.replica_name,
            grace=timedelta(minutes=settings.grace_minutes),
            lease=timedelta(seconds=settings.lease_seconds),
            max_attempts=settings.max_attempts,
            database_clock=True,
        ),
        Pacer(per_org_rate=settings.org_posts_per_second),
    )


def start_engine(core: Core, settings: Settings) -> AsyncIOScheduler:
    """APScheduler as a local ticker only: the database decides what is due, so any number of
    replicas may tick; one tick runs at a time here, and a slow one is never doubled up."""
    engine = build_engine(core, settings)
    core.engine.running, core.engine.tick_seconds = True, settings.tick_seconds

    async def tick() -> None:
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
