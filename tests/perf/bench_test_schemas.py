"""Benchmark: a fresh migrated PostgreSQL test schema against emptying a used one for reuse.

Run: .venv/bin/python -m tests.perf.bench_test_schemas [--url URL] [--rounds N]
Prints the median of each way, measured side by side in one process on the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bot.storage.database import Database
from tests.support import schema_pool
from tests.support.databases import admin_sql
from tests.support.migrated_template import migrate_recording, replay


async def run(url: str, rounds: int) -> None:
    kept = schema_pool.new_schema_name()
    await admin_sql(url, f'CREATE SCHEMA "{kept}"')
    first = Database(url, schema=kept)
    statements = await migrate_recording(first)
    await first.dispose()
    await schema_pool.learn(url, kept)
    fresh: list[float] = []
    emptied: list[float] = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            name = schema_pool.new_schema_name()
            await admin_sql(url, f'CREATE SCHEMA "{name}"')
            db = Database(url, schema=name)
            await replay(db, statements)
            await db.dispose()
            await admin_sql(url, f'DROP SCHEMA "{name}" CASCADE')
            fresh.append(time.perf_counter() - started)

            started = time.perf_counter()
            await schema_pool.give_back(url, kept)
            emptied.append(time.perf_counter() - started)
            if schema_pool.take() != kept:
                raise SystemExit("the migrated schema was not kept for reuse")
    finally:
        await admin_sql(url, f'DROP SCHEMA IF EXISTS "{kept}" CASCADE')
    print(f"rounds: {rounds}")
    print(f"create, replay and drop: median {statistics.median(fresh) * 1000:.1f} ms")
    print(f"empty for reuse:         median {statistics.median(emptied) * 1000:.1f} ms")
    print(f"ratio: {statistics.median(fresh) / statistics.median(emptied):.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.rounds))


if __name__ == "__main__":
    main()
