"""The whole web service (playground, dashboard, admin pages, API) on a seeded SQLite file,
built on the live server's own event loop; a test process seeds each kind of service once and
gives later ones a copy of that file."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from adapters.web.app import create_web_app
from adapters.web.playground import PlaygroundPlatform, register_playground
from bot.bootstrap import build_core
from bot.drop_life.start_close import close_drop, start_drop
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, RegisterTeam, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.directory import register_team
from bot.settings import Settings
from bot.storage.database import Database
from tests.conftest import MINIPACK
from tests.fakes import FakeClock
from tests.support.answers import right_answer, wrong_answer
from tests.web.dashboard_support import ALPHA, SETTINGS, seed

DEMO_TEAMS = ("Platform Guild", "Release Crew", "SRE Night Owls", "Cloud Builders")
SeedKey = tuple[Path, bool, int, datetime]  # pack, demo teams, drops, the clock at the start
_seeded: dict[SeedKey, tuple[Path, datetime]] = {}  # a seeded copy and its clock, per kind


async def seed_demo_teams(core: Core, drops: int = 8) -> None:
    """More teams of Alpha Corp with members of mixed skill, one question a week over the
    previous `drops` weeks (for realistic pages and the README screenshot)."""
    rng = random.Random(11)
    clock: FakeClock = core.clock  # type: ignore[assignment]
    today = clock.current
    for t, name in enumerate(DEMO_TEAMS):
        channel = ChannelRef(ALPHA.platform, ALPHA.org_external_id, f"C-demo-{t}")
        await register_team(core, RegisterTeam(channel, "Alpha Corp", name, "UTC"))
        people = [(f"demo-{t}-{k}", f"Member {t}{k}", rng.uniform(0.3, 0.95)) for k in range(8)]
        for n in range(drops):
            clock.current = today - timedelta(weeks=drops - n)
            card = await start_drop(core, StartDrop(channel, window=timedelta(hours=1)))
            q = core.questions[card.question_id]
            right, wrong = right_answer(q), wrong_answer(q)
            for user, display, skill in people:
                if (n >= drops - 5 and skill < 0.45) or rng.random() < 0.15:
                    continue  # the weakest stop answering; everyone skips now and then
                chosen = right if rng.random() < skill else wrong
                await submit_answer(
                    core, SubmitAnswer(channel, card.drop_id, user, display, chosen)
                )
            await close_drop(core, CloseDrop(card.drop_id, channel))
    clock.current = today


def service_builder(
    folder: Path,
    clock: FakeClock,
    cores: list[Core],
    drops: int = 6,
    *,
    content_dir: Path = MINIPACK,
    demo: bool = False,
) -> Callable[[], Awaitable[tuple[FastAPI, Callable[[], Awaitable[None]]]]]:
    """For LiveServer: builds the seeded service and appends its core to `cores`; `demo` adds
    the teams of seed_demo_teams."""

    async def build() -> tuple[FastAPI, Callable[[], Awaitable[None]]]:
        settings = Settings.from_env(
            {
                "STUDYBOT_DATA_DIR": str(folder / "data"),
                "STUDYBOT_CONTENT_DIR": str(content_dir),
                "STUDYBOT_SELECTION_SEED": "7",
            }
        )
        path, key = folder / "live.db", (content_dir, demo, drops, clock.current)
        if key in _seeded:
            template, clock.current = _seeded[key]
            shutil.copyfile(template, path)
        database = Database(f"sqlite:///{path}")
        core = await build_core(
            settings, clock=clock, platforms={"web": PlaygroundPlatform()}, database=database
        )
        await register_playground(core)
        if key not in _seeded:
            if demo:
                await seed_demo_teams(core)
            await seed(core, drops)
            _seeded[key] = (await asyncio.to_thread(_copy_of, path), clock.current)
        cores.append(core)
        app = create_web_app(core, playground=True, dashboard=SETTINGS, content_dir=content_dir)
        return app, core.db.dispose

    return build


def _copy_of(path: Path) -> Path:
    """A consistent copy of a SQLite file in use (VACUUM INTO), kept until the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="studybot-seeded-"))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / path.name
    with contextlib.closing(sqlite3.connect(path)) as source:
        source.execute("VACUUM INTO ?", (str(copy),))
    return copy
