"""Three engine processes on one PostgreSQL: 100 teams due in the same minute get exactly 100
posts, and killing the process that is posting leaves the rest to go out, none twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update

from bot.bootstrap import build_core
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.directory import register_team
from bot.service.schedules import save_schedule
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import drops, schedules
from tests.conftest import MINIPACK, _skip_or_fail, postgres_url
from tests.service.test_startup import ROOT
from tests.support.actors import OPERATOR
from tests.support.chat_server import launch
from tests.support.databases import admin_sql
from tests.support.waiting import PATIENCE_SECONDS

pytestmark = pytest.mark.postgres
TEAMS, ORGS = 100, 5


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    url = postgres_url()
    if not url:
        _skip_or_fail("STUDYBOT_TEST_POSTGRES_URL is not set")
    assert url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(admin_sql(url, f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        _skip_or_fail(f"cannot reach {url}: {exc}")
    yield url, schema
    asyncio.run(admin_sql(url, f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def chat_server() -> Iterator[str]:
    process, base = launch(1000, delay=0.02)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(10)


def wait_until(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def prepare(url: str, schema: str, tmp: Path) -> None:
    """100 study channels in 5 workspaces, all scheduled for the current minute."""
    settings = Settings.from_env(
        {"STUDYBOT_CONTENT_DIR": str(MINIPACK), "STUDYBOT_DATA_DIR": str(tmp)}
    )
    core = await build_core(settings, database=Database(url, schema=schema))
    now = datetime.now(UTC)
    for i in range(TEAMS):
        channel = ChannelRef("loop", f"ws-{i % ORGS}", f"chan-{i}")
        await register_team(core, RegisterTeam(channel, f"Workspace {i % ORGS}", f"Team {i}"))
        await save_schedule(
            core,
            SaveSchedule(
                channel,
                {"days": "daily", "time": f"{now:%H:%M}", "timezone": "UTC"},
                actor=OPERATOR,
            ),
        )
    async with core.db.write() as conn:  # as if the schedules had been saved an hour ago
        await conn.execute(update(schedules).values(updated_at=now - timedelta(hours=1)))
    await core.db.dispose()


def start_replica(name: str, url: str, schema: str, chat: str, tmp: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "STUDYBOT_DATABASE_URL": url,
        "STUDYBOT_TEST_SCHEMA": schema,
        "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        "STUDYBOT_DATA_DIR": str(tmp),
        "STUDYBOT_REPLICA_NAME": name,
        "STUDYBOT_TICK_SECONDS": "1",
        "STUDYBOT_LEASE_SECONDS": "5",
        "STUDYBOT_ORG_POSTS_PER_SECOND": "4",  # 20 posts per workspace take about 5 s
        "STUDYBOT_PLAYGROUND": "off",
        "CHAT_URL": chat,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.replica"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def drop_states(url: str, schema: str) -> tuple[int, int, Counter[str]]:
    db = Database(url, schema=schema)
    try:
        async with db.read() as conn:
            total = await conn.scalar(select(func.count()).select_from(drops))
            teams_with_drop = await conn.scalar(select(func.count(func.distinct(drops.c.team_id))))
            states = Counter(await conn.scalars(select(drops.c.status)))
    finally:
        await db.dispose()
    return int(total or 0), int(teams_with_drop or 0), states


def test_three_replicas_post_each_drop_exactly_once_even_when_one_dies(
    pg_schema: tuple[str, str], chat_server: str, tmp_path: Path
) -> None:
    url, schema = pg_schema
    asyncio.run(prepare(url, schema, tmp_path))
    replicas = {
        name: start_replica(name, url, schema, chat_server, tmp_path) for name in ("r1", "r2", "r3")
    }
    try:

        def posts() -> list[dict[str, object]]:
            return list(httpx.get(f"{chat_server}/stats", timeout=PATIENCE_SECONDS).json()["posts"])

        wait_until(lambda: len(posts()) >= 25, 180, "the first 25 posts")
        busiest, _ = Counter(str(p["replica"]) for p in posts()).most_common(1)[0]
        replicas[busiest].send_signal(signal.SIGKILL)
        replicas[busiest].wait(10)
        before_kill = len(posts())
        assert before_kill < TEAMS, "the kill came too late to test a take-over"

        # once every drop is recorded as posted, no replica will post again
        wait_until(
            lambda: asyncio.run(drop_states(url, schema))[2] == {"open": TEAMS},
            240,
            "100 open drops",
        )
        final = posts()
        per_drop = Counter(int(p["drop_id"]) for p in final)  # type: ignore[call-overload]
        assert len(final) == TEAMS
        assert max(per_drop.values()) == 1
        survivors = {str(p["replica"]) for p in final[before_kill:]}
        assert survivors
        assert busiest not in survivors
        total, teams_with_drop, _ = asyncio.run(drop_states(url, schema))
        assert total == teams_with_drop == TEAMS
    finally:
        for proc in replicas.values():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
