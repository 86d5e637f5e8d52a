"""Migrated PostgreSQL test schemas passed from one test to the next within a test process.

Making a fresh schema for a test that builds a core costs a CREATE, a replay of the migration
and a DROP (155–167 ms median on this 2-core machine); emptying a used one 32–34 ms
(tests/perf/bench_test_schemas.py; docs/performance.md, "Reused PostgreSQL schemas"). A schema
is reused only when its shape is still the migrated one (same number of relations and
constraints, same Alembic revision), and every table is emptied and every sequence restarted
before the next test sees it, so to the code under test a reused schema is a fresh one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

import asyncpg
from sqlalchemy.engine import make_url

SHAPE = """
SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = $1::text::regnamespace),
       (SELECT count(*) FROM pg_constraint WHERE connamespace = $1::text::regnamespace)
"""
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = $1"
REFERENCES = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
 WHERE connamespace = $1::text::regnamespace AND contype = 'f'
"""
SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = $1"
KEEP = {"alembic_version"}  # the migration's own record stays: the schema stays migrated


@dataclass(frozen=True)
class Shape:
    """What a just-migrated schema holds, and how to empty one."""

    observed: tuple[int, int, str]  # relations, constraints, Alembic revision
    tables: tuple[str, ...]  # in an order where each table is emptied before those it references
    sequences: tuple[str, ...]


_shape: Shape | None = None
_clean: list[str] = []  # emptied migrated schemas of this process, ready for the next test
_taken: set[str] = set()  # clean schemas handed to the running test


def new_schema_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


def take() -> str | None:
    """A clean migrated schema for the next test, if this process has one."""
    if not _clean:
        return None
    schema = _clean.pop()
    _taken.add(schema)
    return schema


def is_kept(schema: str) -> bool:
    """Whether `schema` is waiting, emptied, for the next test."""
    return schema in _clean


def is_migrated(schema: str | None) -> bool:
    """Whether `schema` was handed out already migrated (and so needs no migration)."""
    return schema in _taken


async def learn(url: str, schema: str) -> None:
    """Record the shape of `schema`, which the first test of the process just migrated."""
    global _shape
    conn = await _connect(url)
    try:
        observed = await _observed(conn, schema)
        tables = [r[0] for r in await conn.fetch(TABLES, schema) if r[0] not in KEEP]
        order: TopologicalSorter[str] = TopologicalSorter({t: set() for t in tables})
        for child, parent in await conn.fetch(REFERENCES, schema):
            if _bare(child) != _bare(parent):  # a table's rows may point at each other
                order.add(_bare(parent), _bare(child))  # the child is emptied first
        sequences = [r[0] for r in await conn.fetch(SEQUENCES, schema)]
    finally:
        await conn.close()
    try:
        emptying = tuple(t for t in order.static_order() if t in tables)
    except CycleError:  # tables that point at each other: every test keeps a fresh schema
        return
    _shape = Shape(observed, emptying, tuple(sequences))


async def give_back(url: str, schema: str) -> None:
    """After a test: empty `schema` for the next one, or drop it if it is no longer as migrated
    (a test that downgraded, altered or broke it) or cannot be emptied."""
    _taken.discard(schema)
    conn = await _connect(url)
    try:
        if await _empty_if_migrated(conn, schema):
            _clean.append(schema)
            return
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def drop_all(url: str) -> None:
    """At the end of the process: drop the clean schemas nobody took."""
    if not _clean:
        return
    conn = await _connect(url)
    try:
        while _clean:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{_clean.pop()}" CASCADE')
    finally:
        await conn.close()


async def _empty_if_migrated(conn: asyncpg.Connection, schema: str) -> bool:
    shape = _shape
    if shape is None:
        return False
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL lock_timeout = '5s'")  # a lock left behind: drop it
            if await _observed(conn, schema) != shape.observed:
                return False
            await conn.execute(
                "; ".join(
                    [f'DELETE FROM "{schema}"."{t}"' for t in shape.tables]
                    + [f'ALTER SEQUENCE "{schema}"."{s}" RESTART' for s in shape.sequences]
                )
            )
    except asyncpg.PostgresError:
        return False
    return True


async def _observed(conn: asyncpg.Connection, schema: str) -> tuple[int, int, str]:
    relations, constraints = await conn.fetchrow(SHAPE, schema)
    revision = await conn.fetchval(f'SELECT version_num FROM "{schema}".alembic_version')
    return relations, constraints, revision


def _bare(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1].strip('"')


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url).set(drivername="postgresql")
    return await asyncpg.connect(parsed.render_as_string(hide_password=False))
