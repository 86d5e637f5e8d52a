"""Alembic migrations: up to head, idempotent, down to base and up again, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.slack.tables import metadata as slack_metadata
from adapters.teams.tables import metadata as teams_metadata
from bot.storage.database import Database
from bot.storage.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.storage.tables import metadata as core_metadata

# The one migration history creates the core's tables and each door's own.
EVERY_METADATA = [core_metadata, slack_metadata, teams_metadata]
EVERY_TABLE = {name for m in EVERY_METADATA for name in m.tables}


async def table_names(db: Database) -> set[str]:
    async with db.read() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_creates_every_table_and_is_idempotent(database: Database) -> None:
    await upgrade(database)
    await upgrade(database)
    assert await current_revision(database) == head_revision()
    assert set(EVERY_TABLE) <= await table_names(database)


async def test_downgrade_to_base_and_back(database: Database) -> None:
    from alembic import command

    await upgrade(database)
    async with database.write() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
    assert await table_names(database) <= {"alembic_version"}
    await upgrade(database)
    assert set(EVERY_TABLE) <= await table_names(database)


async def test_schema_matches_the_models(database: Database) -> None:
    """The migrations produce exactly what the core's and the doors' tables modules describe
    (no forgotten migration), and those modules name each table once."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    await upgrade(database)
    async with database.read() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), EVERY_METADATA
            )
        )
    assert diff == []
    assert len(EVERY_TABLE) == sum(len(m.tables) for m in EVERY_METADATA)
    assert not set(core_metadata.tables) & {"slack_installations", "teams_conversations"}


async def test_0006_marks_drops_that_were_already_scored(database: Database) -> None:
    """Drops answered before 0006 had their points counted at once: they are marked scored,
    so their reveal adds nothing twice; pending drops (no answers yet) wait for their reveal."""
    from alembic import command
    from sqlalchemy import text

    async with database.write() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0005"))
        await _one_team_and_question(conn)
        for seq, status in enumerate(("revealed", "open", "pending"), start=1):
            await conn.execute(
                text(
                    "INSERT INTO drops (id, team_id, seq, question_id, status, option_order, "
                    "reveal_mode, selection_seed, opened_at, closes_at, attempts) VALUES "
                    f"({seq}, 1, {seq}, 'q1', '{status}', 'a,b', 'at_close', 0, "
                    "'2026-03-02 09:00:00', '2026-03-02 17:00:00', 0)"
                )
            )
    await upgrade(database)
    async with database.read() as conn:
        marked = dict(
            (await conn.execute(text("SELECT status, scored_at IS NOT NULL FROM drops"))).all()
        )
    assert marked == {"revealed": True, "open": True, "pending": False}


async def test_0008_lets_the_database_refuse_unknown_drop_states(database: Database) -> None:
    """From 0008 on a drop's status is one of the state machine's states; going back to 0007
    turns skipped drops (a state 0007's code does not know) into failed ones."""
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    def insert_drop(drop_id: int, status: str) -> str:
        return (
            "INSERT INTO drops (id, team_id, seq, question_id, status, option_order, "
            "reveal_mode, selection_seed, opened_at, closes_at, attempts) VALUES "
            f"({drop_id}, 1, {drop_id}, 'q1', '{status}', 'a,b', 'at_close', 0, "
            "'2026-03-02 09:00:00', '2026-03-02 17:00:00', 0)"
        )

    async with database.write() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0007"))
        await _one_team_and_question(conn)
        for drop_id, status in enumerate(("pending", "open", "closed", "revealed", "failed"), 1):
            await conn.execute(text(insert_drop(drop_id, status)))
    await upgrade(database)
    async with database.write() as conn:
        await conn.execute(text(insert_drop(6, "skipped")))
    with pytest.raises(IntegrityError):
        async with database.write() as conn:
            await conn.execute(text(insert_drop(7, "posted")))
    with pytest.raises(IntegrityError):
        async with database.write() as conn:
            await conn.execute(text("UPDATE drops SET status = 'held' WHERE id = 1"))
    async with database.write() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0007"))
        await conn.execute(text(insert_drop(7, "posted")))  # 0007 had no such check
    async with database.read() as conn:
        states = dict((await conn.execute(text("SELECT id, status FROM drops"))).all())
    assert states == {
        1: "pending", 2: "open", 3: "closed", 4: "revealed", 5: "failed", 6: "failed", 7: "posted"
    }


async def _one_team_and_question(conn: AsyncConnection) -> None:
    """Organisation 1, its team 1 and question q1, written as SQL at an older schema."""
    from sqlalchemy import text

    await conn.execute(
        text(
            "INSERT INTO organisations (id, platform, external_id, name, active, created_at) "
            "VALUES (1, 'fake', 'o', 'O', true, '2026-03-01 09:00:00')"
        )
    )
    await conn.execute(
        text(
            "INSERT INTO teams (id, org_id, channel_id, name, timezone, created_at) "
            "VALUES (1, 1, 'c', 'T', 'UTC', '2026-03-01 09:00:00')"
        )
    )
    await conn.execute(
        text(
            "INSERT INTO questions (id, exam_code, domain_id, objective_id, difficulty, "
            "body, content_hash, active, updated_at) VALUES ('q1', 'AZ-400', 'D1', 'D1.1', "
            "1, '{}', 'h', true, '2026-03-01 09:00:00')"
        )
    )
