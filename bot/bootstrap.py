"""The composition root: builds the running service from settings (the only bot/ module that
imports adapters)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from adapters.web.app import create_web_app
from adapters.web.playground import PlaygroundPlatform, register_playground
from bot.domain.scoring import ScoringPolicy
from bot.packs.loader import load_pack
from bot.ports import ChatPlatform, Clock, SystemClock
from bot.service.catalog import sync_pack
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database, describe_url
from bot.storage.migrate import upgrade

log = logging.getLogger("studybot")


async def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    platforms: dict[str, ChatPlatform] | None = None,
    database: Database | None = None,
) -> Core:
    """Load the pack (refusing a broken one), open and migrate the database, sync the questions."""
    clock = clock or SystemClock()
    pack = load_pack(settings.content_dir)
    db = database or Database(settings.database_url)
    try:
        await db.check()
        await upgrade(db)
        questions = await sync_pack(db, pack, clock.now())
    except BaseException:
        await db.dispose()
        raise
    log.info(
        "database %s ready; exam pack %s loaded with %d questions",
        describe_url(settings.database_url),
        pack.exam.code,
        len(pack.questions),
    )
    return Core(
        db=db,
        pack=pack,
        questions=questions,
        clock=clock,
        scoring=ScoringPolicy(speed_bonus=settings.speed_bonus),
        seed=settings.selection_seed,
        platforms=dict(platforms or {}),
    )


async def build_service(
    settings: Settings, *, clock: Clock | None = None, database: Database | None = None
) -> tuple[Core, FastAPI]:
    """The core and the HTTP app with every door that the settings switch on."""
    platforms: dict[str, ChatPlatform] = {}
    if settings.playground:
        platforms["web"] = PlaygroundPlatform()
    core = await build_core(settings, clock=clock, platforms=platforms, database=database)
    if settings.playground:
        await register_playground(core)
    return core, create_web_app(core, playground=settings.playground)
