"""/livez and /readyz: the process answers; ready means database, schema, pack, a recent engine
tick and a sane clock (the skew against the database server is shown)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from bot.bootstrap import build_service
from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes import FakeClock


@pytest.fixture
async def service(
    migrated_database: Database, clock: FakeClock, settings_env: dict[str, str]
) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    settings = Settings.from_env(settings_env)
    core, app = await build_service(settings, clock=clock, database=migrated_database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield core, client
    await core.db.dispose()


async def test_livez_answers_while_the_database_is_gone(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    working = core.db
    core.db = Database("postgresql://nobody@127.0.0.1:1/none")
    try:
        assert (await client.get("/livez")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "unreachable"
    finally:
        await core.db.dispose()
        core.db = working


async def test_readyz_needs_a_recent_engine_tick(
    service: tuple[Core, httpx.AsyncClient], clock: FakeClock
) -> None:
    core, client = service
    core.engine.running, core.engine.tick_seconds = True, 5
    response = await client.get("/readyz")
    assert response.status_code == 503  # the engine has not ticked yet
    assert "has not ticked" in response.json()["checks"]["engine"]
    await DeliveryEngine(core, EngineSettings(owner="r")).tick()
    response = await client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {
        "database": "ok",
        "schema": "ok",
        "pack": "ok",
        "engine": "ok",
        "clock": "ok",
    }
    assert body["clock_skew_seconds"] is not None
    clock.advance(seconds=16)  # three ticks missed
    assert (await client.get("/readyz")).status_code == 503


async def test_readyz_refuses_an_old_schema(service: tuple[Core, httpx.AsyncClient]) -> None:
    core, client = service
    async with core.db.write() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["schema"].startswith("at 0004")


async def test_readyz_shows_a_clock_the_engine_refused(
    service: tuple[Core, httpx.AsyncClient], clock: FakeClock
) -> None:
    core, client = service
    core.engine.running, core.engine.last_tick_at = True, clock.now()
    core.engine.clock_error = "this host's clock is +400.0 s off the database server's"
    core.engine.skew = timedelta(seconds=400)
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["clock_skew_seconds"] == 400.0
    assert "off the database server" in response.json()["checks"]["clock"]
