"""Benchmark: a fresh migrated PostgreSQL test schema against emptying a used one for reuse.

Run: .venv/bin/python -m tests.perf.bench_test_schemas [--url URL] [--rounds N]
Prints the median of each way, measured side by side in one process on the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from tests.support import schema_pool
from tests.support.databases import bench_database
from tests.support.migrated_template import migrate_recording, replay


async def run(url: str, rounds: int) -> None:
    fresh: list[float] = []
    emptied: list[float] = []
    async with bench_database(url) as kept:
        assert kept.schema is not None
        statements = await migrate_recording(kept)
        await schema_pool.learn(url, kept.schema)
        for _ in range(rounds):
            started = time.perf_counter()
            async with bench_database(url) as db:
                await replay(db, statements)
            fresh.append(time.perf_counter() - started)

            started = time.perf_counter()
            await schema_pool.give_back(url, kept.schema)
            emptied.append(time.perf_counter() - started)
            if schema_pool.take() != kept.schema:
                raise SystemExit("the migrated schema was not kept for reuse")
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
