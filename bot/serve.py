"""Runs the HTTP service: builds the core, serves it with uvicorn, closes it on shutdown."""

from __future__ import annotations

import logging

import uvicorn

from bot.bootstrap import build_service
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
    try:
        await uvicorn.Server(config).serve()
    finally:
        await core.db.dispose()
