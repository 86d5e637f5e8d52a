"""A throwaway database for a benchmark: a temporary SQLite file, or a fresh PostgreSQL schema."""

from __future__ import annotations

import random
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from bot.storage.database import Database


@asynccontextmanager
async def bench_database(url: str | None, *, pool_size: int = 5) -> AsyncIterator[Database]:
    """SQLite in a temporary folder when `url` is None; otherwise a schema dropped afterwards."""
    if url is None or not url.startswith("postgres"):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}", pool_size=pool_size)
            try:
                yield db
            finally:
                await db.dispose()
        return
    schema = f"bench_{random.randrange(1 << 30)}"
    await admin_sql(url, f'CREATE SCHEMA "{schema}"')
    db = Database(url, schema=schema, pool_size=pool_size)
    try:
        yield db
    finally:
        await db.dispose()
        await admin_sql(url, f'DROP SCHEMA "{schema}" CASCADE')


async def admin_sql(url: str, statement: str) -> None:
    """Run one statement on the server's own database (create or drop a schema)."""
    admin = Database(url)
    try:
        async with admin.write() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()
