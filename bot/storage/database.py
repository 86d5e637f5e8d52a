"""The database connection: URL checks, SQLite tuning, and read and write transactions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.errors import SettingsError

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
)


class DatabaseUnavailableError(Exception):
    """The database cannot be reached or opened; the message says which one and why."""


def normalize_url(url: str) -> str:
    """Accept plain sqlite:// and postgresql:// URLs and pick the async driver for them."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(
            f"STUDYBOT_DATABASE_URL is not a database URL: {url!r}; use "
            "sqlite:///data/studybot.db or postgresql://user@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise SettingsError(
            f"STUDYBOT_DATABASE_URL uses {backend!r}; studybot supports sqlite and postgresql"
        )
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """The URL with any password hidden, for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)


# A write connection used this recently is handed to the next write as it is: checking it out
# of the pool again would ping it first, three round trips to PostgreSQL (docs/slack.md).
WARM_SECONDS = 1.0


class Database:
    """Owns the engine; hands out short read and write transactions."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 5,
        schema: str | None = None,
        warm_seconds: float = WARM_SECONDS,
    ) -> None:
        self.url = normalize_url(url)
        self.schema = schema
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                try:
                    Path(database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseUnavailableError(
                        f"cannot create the folder for the database {database}: {exc.strerror}"
                    ) from None
        else:
            kwargs = {"pool_size": pool_size, "max_overflow": pool_size, "pool_pre_ping": True}
            if schema:  # keeps every table in one PostgreSQL schema (tests use one per test)
                kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        if self.dialect == "sqlite":
            # Answer batches of every size render their own multi-row statements; keep them
            # all prepared (Python's default cache holds 128).
            kwargs["connect_args"] = {"cached_statements": 512}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        # SQLite has one writer; queue our own writers here rather than in SQLite's busy loop.
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine)
        self._warm: tuple[AsyncConnection, float] | None = None  # the last write's connection
        self._warm_seconds = warm_seconds

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed on success, rolled back on any exception.

        Writes in quick succession (answer batches under a burst) share one connection; one
        that failed goes back to the pool, which checks it before anyone uses it again.
        """
        async with self._write_lock or nullcontext():
            conn = await self._warm_connection()
            try:
                async with conn.begin():
                    yield conn
            except BaseException:
                with suppress(Exception):  # the write's own error is the one to report
                    await asyncio.shield(conn.close())
                raise
            if self._warm is None:
                self._warm = (conn, time.monotonic())
            else:
                await conn.close()

    async def _warm_connection(self) -> AsyncConnection:
        warm, self._warm = self._warm, None
        if warm is not None:
            conn, since = warm
            if time.monotonic() - since <= self._warm_seconds and await _open(conn):
                return conn
            await conn.close()  # idle too long to trust unchecked, or closed: back to the pool
        conn = await self.engine.connect()
        if self.dialect == "sqlite":
            await conn.execution_options(studybot_write=True)
        return conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    async def check(self) -> None:
        """Raise DatabaseUnavailableError with one clear line if the database cannot be used."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseUnavailableError(
                f"cannot open the database {describe_url(self.url)}: {reason}"
            ) from None

    async def dispose(self) -> None:
        warm, self._warm = self._warm, None
        if warm is not None:
            await warm[0].close()
        await self.engine.dispose()


async def _open(conn: AsyncConnection) -> bool:
    """Whether the connection still looks usable, without a round trip to the server."""
    if conn.closed or conn.invalidated:
        return False
    raw = await conn.get_raw_connection()
    is_closed = getattr(raw.driver_connection, "is_closed", None)  # asyncpg notices a hang-up
    return not (callable(is_closed) and is_closed())


def _tune_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("studybot_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
