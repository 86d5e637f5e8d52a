"""Alembic migrations: up to head, idempotent, down to base and up again, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from bot.storage.database import Database
from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.storage.tables import metadata


async def table_names(db: Database) -> set[str]:
    async with db.read() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_creates_every_table_and_is_idempotent(database: Database) -> None:
    await upgrade(database)
    await upgrade(database)
    assert await current_revision(database) == head_revision()
    assert set(metadata.tables) <= await table_names(database)


async def test_downgrade_to_base_and_back(database: Database) -> None:
    from alembic import command

    await upgrade(database)
    async with database.write() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
    assert await table_names(database) <= {"alembic_version"}
    await upgrade(database)
    assert set(metadata.tables) <= await table_names(database)


async def test_schema_matches_the_models(database: Database) -> None:
    """The migrations produce exactly what tables.py describes (no forgotten migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    await upgrade(database)
    async with database.read() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata
            )
        )
    assert diff == []
