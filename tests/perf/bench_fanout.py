"""Benchmark: one scheduled minute fanned out to 1,000 channels in 50 workspaces.

A loopback chat API (tests/support/chat_server.py, its own process) enforces one message per
second per channel and a limit of posts per rolling second per workspace, answering 429 with
Retry-After beyond them. The drop engine plans the 1,000 due drops and posts them through the
same ChatPlatform port the doors implement. Printed: the time from the tick that found them due to
the last post, the minimum those limits allow, their ratio, and duplicates and misses.

`--lease 2 --replicas 2` runs two engines side by side (each with its share of the workspace
rate) with a lease shorter than the fan-out: they must share the minute with zero duplicates.
Usage:

    .venv/bin/python -m tests.perf.bench_fanout [--rate 5] [--lease 600] [--replicas 1] \
        [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bot.bootstrap import build_core
from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.directory import register_team
from bot.service.pacing import Pacer
from bot.service.schedules import save_schedule
from bot.settings import Settings
from bot.storage.database import Database
from tests.support.actors import OPERATOR
from tests.support.chat_server import launch
from tests.support.databases import bench_database
from tests.support.http_platform import HttpChatPlatform

ROOT = Path(__file__).parents[2]


async def fan_out(args: argparse.Namespace, base: str) -> None:
    async with bench_database(args.database_url) as db:
        await _fan_out(args, base, db)


async def _fan_out(args: argparse.Namespace, base: str, db: Database) -> None:
    platform = HttpChatPlatform(base, replica="bench")
    core = await build_core(Settings.from_env({}), platforms={"loop": platform}, database=db)
    per_workspace = args.channels // args.workspaces
    due = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    for i in range(args.channels):
        channel = ChannelRef("loop", f"ws-{i % args.workspaces}", f"chan-{i}")
        workspace = f"Workspace {i % args.workspaces}"
        await register_team(core, RegisterTeam(channel, workspace, f"Team {i}"))
        await save_schedule(
            core,
            SaveSchedule(
                channel,
                {"days": "daily", "time": f"{due:%H:%M}", "timezone": "UTC"},
                actor=OPERATOR,
            ),
        )
    engines = [
        DeliveryEngine(
            core,
            EngineSettings(owner=f"bench-{n}", lease=timedelta(seconds=args.lease)),
            Pacer(per_org_rate=max(1, args.rate // args.replicas)),
        )
        for n in range(args.replicas)
    ]
    # as the service does: a tick plans the minute ahead, and the ticker wakes when it is due
    planned = (await engines[0].tick()).planned.created
    print(f"planned {planned} drops ahead of {due:%H:%M:%S} UTC; waiting for the minute")
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    started = due.timestamp()
    posted_by = await asyncio.gather(*(_run(engine, started) for engine in engines))
    async with httpx.AsyncClient() as client:
        stats = (await client.get(f"{base}/stats")).json()
    posts = stats["posts"]
    last = max(p["at"] for p in posts)
    per_drop = Counter(p["drop_id"] for p in posts)
    per_channel = Counter((p["org"], p["channel"]) for p in posts)
    minimum = math.ceil(per_workspace / args.rate) - 1
    elapsed = last - started
    print(
        f"database: {core.db.dialect}; {args.channels} channels in {args.workspaces} workspaces; "
        f"limits: 1 message/s per channel, {args.rate} posts per rolling second per workspace"
    )
    print(f"posts: {len(posts)}; 429 answers: {stats['rejected']}")
    print(
        f"duplicates: {sum(n - 1 for n in per_drop.values())}; "
        f"misses: {args.channels - len(per_channel)}"
    )
    print(f"time from the scheduled minute to the last post: {elapsed:.2f} s")
    print(f"minimum the limits allow: {minimum:.2f} s ({per_workspace} posts per workspace)")
    print(f"ratio: {elapsed / minimum:.2f}x (target 1.25x)")
    print(
        f"lease: {args.lease:g} s; replicas: {args.replicas}; "
        f"posts recorded per replica: {', '.join(str(n) for n in posted_by)}"
    )
    await platform.close()


async def _run(engine: DeliveryEngine, started: float) -> int:
    """One replica's ticker: wake when the next drop is due, post, until nothing is pending."""
    posted = 0
    while (next_due := await engine.next_due()) is not None:
        await asyncio.sleep(max(0.0, min(1.0, (next_due - datetime.now(UTC)).total_seconds())))
        posted += (await engine.deliver_due())[0]
        if time.time() - started > 300:
            raise SystemExit("gave up after 300 s")
    return posted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument(
        "--rate", type=int, default=5, help="posts per rolling second per workspace"
    )
    parser.add_argument("--lease", type=float, default=600.0, help="lease in seconds")
    parser.add_argument("--replicas", type=int, default=1, help="engines posting side by side")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    server, base = launch(args.rate)
    try:
        asyncio.run(fan_out(args, base))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
