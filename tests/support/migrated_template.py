"""A migrated empty database made once per test process and reused for each test that builds a
core. SQLite: the migrated file is copied (a millisecond). PostgreSQL: the first test's schema is
migrated for real while the statements that change it are recorded; every later test's fresh
schema gets the same statements replayed in one transaction, which skips Alembic's per-revision
work and inspection and holds the server-wide migration lock only for the brief no-op upgrade
that build_core still runs (tests/integration/test_migrations.py checks real migrations, and
test_template.py that a replayed schema matches a migrated one). A schema a test leaves as
migrated is emptied and handed to the next such test instead (tests/support/schema_pool.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url

from bot.storage.database import Database
from bot.storage.migrate import upgrade
from tests.support import schema_pool

_template: Path | None = None
Statement = tuple[str, Any, bool]  # SQL, its parameters, and whether it ran as executemany
_pg_statements: list[Statement] | None = None


async def start_from_template(db: Database) -> None:
    """Bring `db` (empty, not yet opened by the code under test) to the migrated schema."""
    if db.dialect == "postgresql":
        await _pg_from_template(db)
        return
    global _template
    if db.dialect != "sqlite":
        return
    if _template is None:
        path = _template_path()
        made = Database(f"sqlite:///{path}")
        try:
            await upgrade(made)
        finally:
            await made.dispose()  # checkpoints the write-ahead log into the file
        _template = path
    _copy(_template, Path(str(make_url(db.url).database)))


async def _pg_from_template(db: Database) -> None:
    global _pg_statements
    if schema_pool.is_migrated(db.schema):
        return
    if _pg_statements is None:
        _pg_statements = await migrate_recording(db)
        assert db.schema is not None
        await schema_pool.learn(db.url, db.schema)
        return
    await replay(db, _pg_statements)


async def migrate_recording(db: Database) -> list[Statement]:
    """Migrate `db` for real; the statements that changed it (not the look-ups), in order."""
    recorded: list[Statement] = []

    def record(
        conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            recorded.append((statement, parameters, many))

    sync_engine = db.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", record)
    try:
        await upgrade(db)
    finally:
        event.remove(sync_engine, "before_cursor_execute", record)
    return recorded


async def replay(db: Database, statements: list[Statement]) -> None:
    """Run recorded statements on `db`'s own (empty) schema, in one transaction."""

    def run(conn: Connection) -> None:
        for statement, parameters, many in statements:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
            finally:
                cursor.close()

    async with db.write() as conn:
        await conn.run_sync(run)


def _template_path() -> Path:
    return Path(tempfile.mkdtemp(prefix="studybot-template-")) / "template.db"


def _copy(template: Path, target: Path) -> None:
    if not target.exists():  # one already opened is left as it is
        shutil.copyfile(template, target)
