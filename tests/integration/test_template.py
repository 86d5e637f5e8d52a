"""The test databases made from the migrated template, or emptied for reuse, are the schema
the migrations make."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.bootstrap import build_core
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.migrate import current_revision, head_revision
from tests.conftest import OTHER_ORG_CHANNEL, postgres_url, register
from tests.fakes import FakeClock, FakePlatform
from tests.support import schema_pool
from tests.support.databases import admin_sql
from tests.support.migrated_template import migrate_recording, replay

# every column, index and constraint of a schema, without the schema's own name
CATALOG = """
SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' '
       || is_nullable || ' ' || coalesce(column_default, '')
  FROM information_schema.columns WHERE table_schema = current_schema()
UNION ALL
SELECT 'index', tablename || ' ' || replace(indexdef, current_schema() || '.', '')
  FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL
SELECT 'constraint', conrelid::regclass::text || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
UNION ALL
SELECT 'version', version_num FROM alembic_version
ORDER BY 1, 2
"""


@pytest.fixture
async def two_schemas() -> AsyncIterator[tuple[Database, Database]]:
    url = postgres_url()
    if not url:
        pytest.skip("the template replays migrations on PostgreSQL only")
    names = [schema_pool.new_schema_name() for _ in range(2)]
    for name in names:
        await admin_sql(url, f'CREATE SCHEMA "{name}"')
    dbs = [Database(url, schema=name) for name in names]
    try:
        yield dbs[0], dbs[1]
    finally:
        for db, name in zip(dbs, names, strict=True):
            await db.dispose()
            await admin_sql(url, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


async def catalog(db: Database) -> list[tuple[str, str]]:
    async with db.read() as conn:
        return [(kind, what) for kind, what in await conn.execute(text(CATALOG))]


@pytest.mark.postgres
async def test_a_replayed_schema_is_the_migrated_one(
    two_schemas: tuple[Database, Database],
) -> None:
    migrated, replayed = two_schemas
    statements = await migrate_recording(migrated)
    await replay(replayed, statements)
    assert await current_revision(replayed) == head_revision()
    expected = await catalog(migrated)
    assert len([row for row in expected if row[0] == "column"]) > 20
    assert await catalog(replayed) == expected


TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"


async def _row_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        tables = (await conn.execute(text(TABLES))).scalars().all()
        return {
            t: (await conn.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one()
            for t in tables
        }


async def _core(db: Database, settings_env: dict[str, str]) -> Core:
    settings = Settings.from_env(settings_env)
    return await build_core(
        settings, clock=FakeClock(), platforms={"fake": FakePlatform()}, database=db
    )


@pytest.mark.postgres
async def test_a_schema_given_back_is_emptied_and_its_ids_start_again(
    two_schemas: tuple[Database, Database], settings_env: dict[str, str]
) -> None:
    used, fresh = two_schemas
    url = postgres_url()
    assert url is not None
    assert used.schema is not None
    statements = await migrate_recording(used)
    await replay(fresh, statements)
    await schema_pool.learn(url, used.schema)
    core = await _core(used, settings_env)
    first = await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    await core.db.dispose()
    assert sum((await _row_counts(used)).values()) > 2

    await schema_pool.give_back(url, used.schema)
    assert schema_pool.is_kept(used.schema)  # kept for the next test, not dropped
    assert schema_pool.take() == used.schema  # taken back: this test's fixture drops it
    counts = await _row_counts(used)
    assert counts.pop("alembic_version") == 1  # still migrated
    assert set(counts.values()) == {0}
    assert await catalog(used) == await catalog(fresh)
    core = await _core(used, settings_env)
    assert await register(core) == first  # the sequences start again
    await core.db.dispose()


@pytest.mark.postgres
async def test_a_schema_no_longer_as_migrated_is_dropped_not_kept(
    two_schemas: tuple[Database, Database],
) -> None:
    used, _ = two_schemas
    url = postgres_url()
    assert url is not None
    assert used.schema is not None
    await migrate_recording(used)
    await schema_pool.learn(url, used.schema)
    async with used.write() as conn:
        await conn.execute(text("CREATE TABLE extra (id integer)"))
    await used.dispose()

    await schema_pool.give_back(url, used.schema)
    assert not schema_pool.is_kept(used.schema)
    async with used.read() as conn:
        left = await conn.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": used.schema}
        )
        assert left.scalar_one() == 0
