"""Shared fixtures: databases (SQLite always, PostgreSQL named or throwaway), a core, fakes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam
from bot.service.context import Core
from bot.service.directory import register_team
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes import FakeClock, FakePlatform
from tests.support import schema_pool, throwaway_postgres
from tests.support.databases import admin_sql
from tests.support.migrated_template import start_from_template

FIXTURES = Path(__file__).parent / "fixtures"
MINIPACK = FIXTURES / "minipack"
TYPESPACK = FIXTURES / "typespack"  # one order, one yes/no and a case study (tests of item types)
PG_ENV = "STUDYBOT_TEST_POSTGRES_URL"


UNAVAILABLE_ENV = "STUDYBOT_TEST_POSTGRES_UNAVAILABLE"  # why there is no server, for workers


def pytest_configure(config: pytest.Config) -> None:
    """Pick the PostgreSQL server once per run (xdist workers inherit the choice)."""
    if hasattr(config, "workerinput"):
        return
    try:
        choice = throwaway_postgres.choose(os.environ)
    except throwaway_postgres.PostgresStartError as exc:
        raise pytest.UsageError(f"PostgreSQL is required in CI but did not start: {exc}") from None
    if choice.url is None:
        os.environ[UNAVAILABLE_ENV] = choice.reason
        return
    os.environ[PG_ENV] = choice.url
    if choice.started is not None:
        config.add_cleanup(choice.started.stop)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the emptied schemas this process kept for tests that never came."""
    url = postgres_url()
    if url:
        asyncio.run(schema_pool.drop_all(url))


def postgres_url() -> str | None:
    """The PostgreSQL URL for tests: the named server, or the throwaway one this run started."""
    url = os.environ.get(PG_ENV, "").strip()
    return None if url in ("", throwaway_postgres.OFF) else url


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database: a fresh SQLite file, or a fresh schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        yield db
        await db.dispose()
        return
    url = postgres_url()
    if not url:
        _skip_or_fail(os.environ.get(UNAVAILABLE_ENV) or f"{PG_ENV} is off")
    assert url is not None
    # a test that builds a core gets an emptied migrated schema an earlier test left, if any
    wants_migrated = {"core", "migrated_database"} & set(request.fixturenames)
    schema = schema_pool.take() if wants_migrated else None
    if schema is None:
        schema = schema_pool.new_schema_name()
        try:
            await admin_sql(url, f'CREATE SCHEMA "{schema}"')
        except Exception as exc:
            _skip_or_fail(f"cannot reach {url}: {exc}")
    db = Database(url, schema=schema)
    try:
        yield db
    finally:
        await db.dispose()
        await schema_pool.give_back(url, schema)


@pytest.fixture
async def migrated_database(database: Database) -> Database:
    """`database` at the current schema, for tests that build a service on it themselves."""
    await start_from_template(database)
    return database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def settings_env(tmp_path: Path) -> dict[str, str]:
    return {"STUDYBOT_DATA_DIR": str(tmp_path / "data"), "STUDYBOT_CONTENT_DIR": str(MINIPACK)}


@pytest.fixture
async def core(
    database: Database, clock: FakeClock, platform: FakePlatform, settings_env: dict[str, str]
) -> AsyncIterator[Core]:
    """A core on the minipack over a fresh database, with a fake clock and platform."""
    settings = Settings.from_env({**settings_env, "STUDYBOT_SELECTION_SEED": "7"})
    await start_from_template(database)
    built = await build_core(settings, clock=clock, platforms={"fake": platform}, database=database)
    yield built
    await built.db.dispose()


CHANNEL = ChannelRef("fake", "org-1", "chan-1")
OTHER_ORG_CHANNEL = ChannelRef("fake", "org-2", "chan-1")


async def register(core: Core, channel: ChannelRef = CHANNEL, tz: str = "UTC") -> int:
    team = await register_team(
        core,
        RegisterTeam(channel, f"Org {channel.org_external_id}", f"Team {channel.channel_id}", tz),
    )
    return team.id
