"""The test databases made from the migrated template are the schema the migrations make."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.storage.database import Database
from bot.storage.migrate import current_revision, head_revision
from tests.conftest import postgres_url
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
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        await admin_sql(url, f'CREATE SCHEMA "{name}"')
    dbs = [Database(url, schema=name) for name in names]
    try:
        yield dbs[0], dbs[1]
    finally:
        for db, name in zip(dbs, names, strict=True):
            await db.dispose()
            await admin_sql(url, f'DROP SCHEMA "{name}" CASCADE')


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
