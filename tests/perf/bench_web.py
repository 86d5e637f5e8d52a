"""Benchmark: the manager dashboard and the playground click, rendered on the server.

Builds the organisation of tests/perf/bench_leaderboard.py (200 teams, 10,000 members, about
2,000,000 answers over a year; every 50th member stopped answering three weeks ago), signs in
with a manager link and times, side by side in one run, through the ASGI app in-process (routing,
access checks, queries, SVG and HTML; no network):
  - GET /dashboard (the organisation: team leaderboard, 200 x 5 heatmap, 12 weeks of
    participation, readiness, inactive members) for this week and for all time,
  - GET /dashboard/teams/<channel> for a random team, this week,
  - a playground click: POST /playground/answer and the GET of the page it redirects to,
  - GET /api/v1/teams, GET /api/v1/schedules (every team of the organisation has a schedule) and
    the admin's GET /admin/schedules.
Then it adds 99 more organisations (100 teams of 50 members each, a schedule per team and two
member_stats rows per membership: about 505,000 memberships in all) and times the same requests
again, printing the medians side by side: a page's cost should depend on its own organisation
only. Usage:

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
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from adapters.web.access import dashboard_link, make_token
from adapters.web.app import create_web_app
from adapters.web.dashboard_settings import DashboardSettings
from adapters.web.playground import MEMBERS, PlaygroundPlatform, register_playground
from bot.bootstrap import build_core
from bot.domain.periods import Period, period_start
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import schedules
from tests.perf.bench_leaderboard import NOW, TEAMS, FixedClock, generate, load
from tests.support.databases import bench_database

STOPPED_EVERY = 50  # every 50th member stopped answering 15 questions ago
SETTINGS = DashboardSettings(secret="bench-" + "x" * 40, public_url="http://bench")
OTHER_ORGS, OTHER_TEAMS, OTHER_MEMBERS = 99, 100, 50  # the organisations added for the second run


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


def schedule_rows(team_ids: range) -> list[dict[str, Any]]:
    """A weekday schedule for each of these teams, as the admin form would save it."""
    schedule = {
        "days": "0,1,2,3,4", "local_time": "09:00", "timezone": "UTC", "window_minutes": 480,
        "closes_at": None, "reveal_mode": "at_close", "focus_domain": None, "active": True,
        "start_date": None, "end_date": None, "skip_dates": [], "digest_weekday": 0,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    return [{"team_id": team_id, **schedule} for team_id in team_ids]


def other_organisations(
    core: Core, after: tuple[int, int, int]
) -> dict[str, list[tuple[Any, ...]]]:
    """99 more organisations (ids after `after`: the highest organisation, team and member id):
    teams, members, memberships, all-time and weekly stats."""
    created = NOW - timedelta(days=400)
    week = period_start(Period.WEEK, NOW.date())
    domains = [d.id for d in core.pack.domains]
    rows: dict[str, list[tuple[Any, ...]]] = {
        "organisations": [], "teams": [], "members": [], "team_members": [], "member_stats": [],
    }  # fmt: skip
    last_org, team_id, member_id = after
    for org in range(last_org + 1, last_org + 1 + OTHER_ORGS):
        rows["organisations"].append((org, "slack", f"org-{org}", f"Org {org}", True, created))
        for t in range(OTHER_TEAMS):
            team_id += 1
            name = f"Team {t + 1:03d}"
            rows["teams"].append((team_id, org, f"chan-{t + 1}", name, "UTC", created))
            for m in range(OTHER_MEMBERS):
                member_id += 1
                domain = domains[m % len(domains)]
                rows["members"].append((member_id, org, f"u{member_id}", f"Member {m}", created))
                rows["team_members"].append((team_id, member_id, created, False, 0, 0, 1))
                rows["member_stats"].append(
                    (team_id, "all", date(1970, 1, 1), domain, member_id, 20, 12, 240)
                )
                rows["member_stats"].append((team_id, "week", week, domain, member_id, 2, 1, 20))
    return rows


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
        await conn.execute(schedules.insert(), schedule_rows(range(1, TEAMS + 1)))
        if db.dialect == "postgresql":  # COPY with explicit ids leaves the sequences at 1
            await reset_sequences(conn)
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
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        httpx.AsyncClient(transport=transport, base_url="http://bench") as admin,
    ):
        for browser, role in ((client, "manager"), (admin, "admin")):
            link = dashboard_link(
                SETTINGS, platform="slack", workspace="org-1", role=role, hours=2,
                now=core.clock.now(),
            )  # fmt: skip
            assert (await browser.get(link.removeprefix("http://bench"))).status_code == 303
        first = await client.get("/dashboard")
        assert first.status_code == 200, first.text[:500]
        assert first.text.count("<tr><td>") >= TEAMS, "every team is on the page"
        print(f"organisation page: {len(first.content) / 1024:.0f} KiB of HTML")
        alone = await sample(args, core, client, admin)
        started = time.perf_counter()
        highest = []
        async with core.db.read() as conn:
            for table in ("organisations", "teams", "members"):
                highest.append(int(await conn.scalar(text(f"SELECT max(id) FROM {table}")) or 0))
        after = (highest[0], highest[1], highest[2])
        others = other_organisations(core, after)
        await load(core.db, others, schema)
        async with core.db.write() as conn:
            first_team = after[1] + 1
            await conn.execute(
                schedules.insert(),
                schedule_rows(range(first_team, first_team + OTHER_ORGS * OTHER_TEAMS)),
            )
            if db.dialect == "postgresql":
                await reset_sequences(conn)
            memberships = await conn.scalar(text("SELECT count(*) FROM team_members"))
        print(
            f"added {OTHER_ORGS} organisations ({len(others['teams'])} teams, "
            f"{len(others['team_members'])} memberships; {memberships} memberships in all) in "
            f"{time.perf_counter() - started:.0f} s"
        )
        del others
        gc.collect()
        crowded = await sample(args, core, client, admin)
    print(f"{'request (ms)':<40}{'runs':>6}{'p50':>10}{'p95':>10}{'target p95':>12}")
    targets = {"playground click (answer + page)": 50.0}
    for name, values in alone.items():
        target = targets.get(name, 300.0)
        print(
            f"{name:<40}{len(values):>6}{pct(values, 0.5):>10.1f}{pct(values, 0.95):>10.1f}"
            f"{target:>12.0f}"
        )
    print()
    print(f"{'median (ms)':<40}{'1 org':>10}{f'{OTHER_ORGS + 1} orgs':>10}{'ratio':>8}")
    for name, values in alone.items():
        one, many = pct(values, 0.5), pct(crowded[name], 0.5)
        print(f"{name:<40}{one:>10.1f}{many:>10.1f}{many / one:>8.2f}")


async def reset_sequences(conn: Any) -> None:
    """COPY with explicit ids leaves PostgreSQL's sequences behind; move them past the rows."""
    for table in ("organisations", "teams", "members", "drops", "answers", "schedules"):
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


async def sample(
    args: argparse.Namespace, core: Core, client: httpx.AsyncClient, admin: httpx.AsyncClient
) -> dict[str, list[float]]:
    """Every request `args.runs` times, interleaved (the order flips each round)."""
    rng = random.Random(3)
    cases: dict[str, list[float]] = {}
    drop_id = 0
    bearer = {
        "Authorization": "Bearer "
        + make_token(
            SETTINGS, platform="slack", workspace="org-1", role="manager", hours=2,
            now=core.clock.now(),
        )
    }  # fmt: skip

    async def get(path: str, browser: httpx.AsyncClient = client, **kw: Any) -> None:
        response = await browser.get(path, **kw)
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
            ("api, teams", lambda: get("/api/v1/teams", headers=bearer)),
            ("api, schedules", lambda: get("/api/v1/schedules", headers=bearer)),
            ("admin, schedules page", lambda: get("/admin/schedules", admin)),
        ]  # fmt: skip
        if i % 2:
            pairs.reverse()
        for name, fn in pairs:
            cases.setdefault(name, []).append(await timed(fn))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=100)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
