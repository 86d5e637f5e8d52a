"""Benchmark: the manager dashboard and the playground click, rendered on the server.

Builds the organisation of tests/perf/bench_leaderboard.py (200 teams, 10,000 members, about
2,000,000 answers over a year; every 50th member stopped answering three weeks ago), signs in
with a manager link and times, side by side in one run, through the ASGI app in-process (routing,
access checks, queries, SVG and HTML; no network):
  - GET /dashboard (the organisation: team leaderboard, 200 x 5 heatmap, 12 weeks of
    participation, readiness, inactive members) for this week and for all time,
  - GET /dashboard/teams/<channel> for a random team, this week,
  - a playground click: POST /playground/answer and the GET of the page it redirects to.
Usage:

    .venv/bin/python -m tests.perf.bench_web [--database-url postgresql://…] [--runs 100]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import text

from adapters.web.access import dashboard_link
from adapters.web.app import create_web_app
from adapters.web.dashboard_settings import DashboardSettings
from adapters.web.playground import MEMBERS, PlaygroundPlatform, register_playground
from bot.bootstrap import build_core
from bot.settings import Settings
from bot.storage.database import Database
from tests.perf.bench_leaderboard import TEAMS, FixedClock, generate, load
from tests.support.databases import bench_database

STOPPED_EVERY = 50  # every 50th member stopped answering 15 questions ago
SETTINGS = DashboardSettings(secret="bench-" + "x" * 40, public_url="http://bench")


def with_streaks(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Set each member's last answered question (the generator leaves it 0)."""
    seq_of = {r[0]: (r[1], r[2]) for r in rows["drops"]}
    last: dict[tuple[int, int], int] = {}
    for answer in rows["answers"]:
        team, seq = seq_of[answer[1]]
        key = (team, answer[2])
        last[key] = max(last.get(key, 0), seq)
    fixed = []
    for team, member, joined, admin, *_ in rows["team_members"]:
        seq = last.get((team, member), 0)
        if member % STOPPED_EVERY == 0:
            seq = max(1, seq - 15)
        fixed.append((team, member, joined, admin, 0, 0, seq))
    rows["team_members"] = fixed


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await fn()
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with bench_database(args.database_url) as db:
            await measure(args, db, tmp)


async def measure(args: argparse.Namespace, db: Database, tmp: str) -> None:
    schema = db.schema
    settings = Settings.from_env({"STUDYBOT_DATA_DIR": tmp, "STUDYBOT_SELECTION_SEED": "1"})
    core = await build_core(
        settings, database=db, clock=FixedClock(), platforms={"web": PlaygroundPlatform()}
    )
    started = time.perf_counter()
    rows = generate(core)
    with_streaks(rows)
    await load(core.db, rows, schema)
    async with core.db.write() as conn:  # the generator's platform name is not a real one
        await conn.execute(text("UPDATE organisations SET platform = 'slack'"))
        if db.dialect == "postgresql":  # COPY with explicit ids leaves the sequences at 1
            for table in ("organisations", "teams", "members", "drops", "answers"):
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    await register_playground(core)
    print(
        f"database: {db.dialect}; loaded {len(rows['teams'])} teams, "
        f"{len(rows['members'])} members, {len(rows['answers'])} answers in "
        f"{time.perf_counter() - started:.0f} s"
    )
    del rows  # millions of generated tuples would make every full GC pass a long pause
    gc.collect()
    app = create_web_app(core, playground=True, dashboard=SETTINGS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        link = dashboard_link(
            SETTINGS, platform="slack", workspace="org-1", role="manager", hours=2,
            now=core.clock.now(),
        )  # fmt: skip
        assert (await client.get(link.removeprefix("http://bench"))).status_code == 303
        first = await client.get("/dashboard")
        assert first.status_code == 200, first.text[:500]
        assert first.text.count("<tr><td>") >= TEAMS, "every team is on the page"
        print(f"organisation page: {len(first.content) / 1024:.0f} KiB of HTML")
        rng = random.Random(3)
        cases: dict[str, list[float]] = {}
        drop_id = 0

        async def get(path: str) -> None:
            response = await client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        async def click(member: str) -> None:
            response = await client.post(
                "/playground/answer",
                data={"drop_id": str(drop_id), "member": member, "option": "a"},
            )
            assert response.status_code == 303
            await get(response.headers["location"])

        for i in range(args.runs):
            if i % len(MEMBERS) == 0:
                dropped = await client.post("/playground/drop", data={"member": "ada"})
                assert dropped.status_code == 303
                page = (await client.get("/?member=ada")).text
                marker = 'name="drop_id" value="'
                at = page.index(marker) + len(marker)
                drop_id = int(page[at : page.index('"', at)])
            member = list(MEMBERS)[i % len(MEMBERS)]
            team = rng.randrange(1, TEAMS + 1)
            pairs: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
                ("dashboard, organisation, this week", lambda: get("/dashboard")),
                ("dashboard, organisation, all time", lambda: get("/dashboard?period=all")),
                ("dashboard, one team, this week",
                 lambda t=team: get(f"/dashboard/teams/chan-{t}")),  # type: ignore[misc]
                ("playground click (answer + page)", lambda m=member: click(m)),  # type: ignore[misc]
            ]  # fmt: skip
            if i % 2:
                pairs.reverse()
            for name, fn in pairs:
                cases.setdefault(name, []).append(await timed(fn))
    print(f"{'request (ms)':<40}{'runs':>6}{'p50':>10}{'p95':>10}{'target p95':>12}")
    targets = {"playground click (answer + page)": 50.0}
    for name, values in cases.items():
        target = targets.get(name, 300.0)
        print(
            f"{name:<40}{len(values):>6}{pct(values, 0.5):>10.1f}{pct(values, 0.95):>10.1f}"
            f"{target:>12.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=100)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
