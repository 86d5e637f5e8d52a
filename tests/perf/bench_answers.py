"""Benchmark: answers recorded per second through the service layer (SQLite by default).

Opens drops for one team, then submits answers from many members concurrently (10 % of them
repeated clicks), and prints the sustained rate and the check that exactly one answer per member
and drop was stored. Usage:

    .venv/bin/python -m tests.perf.bench_answers [--answers 20000] [--concurrency 32]
        [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.bootstrap import build_core
from bot.drop_life.start_close import start_drop
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import RegisterTeam, StartDrop, SubmitAnswer
from bot.service.directory import register_team
from bot.service.views import AnswerStatus
from bot.settings import Settings
from bot.storage.tables import answers
from tests.support.databases import bench_database

CHANNEL = ChannelRef("bench", "org", "channel")


async def run(args: argparse.Namespace) -> None:
    async with bench_database(args.database_url, pool_size=args.concurrency) as db:
        settings = Settings.from_env({"STUDYBOT_SELECTION_SEED": "1"})
        core = await build_core(settings, database=db)
        await register_team(core, RegisterTeam(CHANNEL, "Bench org", "Bench team"))
        members = args.members
        drops_needed = -(-args.answers // members)
        cards = [
            await start_drop(core, StartDrop(CHANNEL, window=timedelta(days=7)))
            for _ in range(drops_needed)
        ]
        work: list[SubmitAnswer] = []
        for card in cards:
            option_ids = [o.id for o in card.options][: card.pick]
            for m in range(members):
                work.append(
                    SubmitAnswer(CHANNEL, card.drop_id, f"u{m}", f"User {m}", tuple(option_ids))
                )
        work = work[: args.answers]
        rng = random.Random(7)
        repeats = rng.sample(work, len(work) // 10)
        queue = work + repeats
        rng.shuffle(queue)

        latencies: list[float] = []
        statuses: dict[AnswerStatus, int] = {}
        position = 0

        async def worker() -> None:
            nonlocal position
            while position < len(queue):
                cmd = queue[position]
                position += 1
                started = time.perf_counter()
                feedback = await submit_answer(core, cmd)
                latencies.append(time.perf_counter() - started)
                statuses[feedback.status] = statuses.get(feedback.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - started

        async with core.db.read() as conn:
            stored = int(await conn.scalar(select(func.count()).select_from(answers)) or 0)
            distinct = int(
                await conn.scalar(
                    select(func.count()).select_from(
                        select(answers.c.drop_id, answers.c.member_id).distinct().subquery()
                    )
                )
                or 0
            )

    latencies.sort()
    print(f"database: {core.db.dialect}; concurrency {args.concurrency}; members {members}")
    print(f"submissions: {len(queue)} ({len(work)} distinct + {len(repeats)} repeated clicks)")
    print(f"elapsed: {elapsed:.2f} s; throughput: {len(queue) / elapsed:.0f} submissions/s")
    p50, p95, p99 = (1000 * latencies[int(q * (len(latencies) - 1))] for q in (0.5, 0.95, 0.99))
    print(f"latency ms: p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f}")
    print(f"statuses: { {s.value: n for s, n in statuses.items()} }")
    ok = stored == distinct == len(work)
    print(
        f"stored answers: {stored}; distinct (drop, member): {distinct}; "
        f"expected {len(work)} -> {'OK' if ok else 'MISMATCH'}"
    )
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
