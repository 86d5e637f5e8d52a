"""Benchmark: leaderboards at scale, from the maintained aggregate versus GROUP BY over answers.

Builds an organisation with 200 teams, 10,000 members and about 2,000,000 answers over a year
(one drop per team per working day), then times, side by side in one run:
  - a team leaderboard for one domain this week, and overall for all time (service layer),
  - the organisation report (service layer),
  - the same three answers computed by a plain GROUP BY over the raw answers table,
and checks that both ways give the same numbers. The GROUP BY runs twice: on the schema as
shipped (answers has no index by team, since no product query needs one) and again after adding
an index on answers (team_id, answered_at) that helps it as much as an index can. Usage:

    .venv/bin/python -m tests.perf.bench_leaderboard [--database-url postgresql://…] [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Integer, cast, func, select, text
from sqlalchemy.engine import make_url

from bot.bootstrap import build_core
from bot.domain.periods import Period, period_start, period_starts
from bot.ports import ChannelRef
from bot.service.commands import ShowLeaderboard, ShowOrgReport
from bot.service.context import Core
from bot.service.leaderboards import show_leaderboard, show_org_report
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import answers, members, teams
from tests.support.actors import OPERATOR
from tests.support.databases import bench_database

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
TEAMS, MEMBERS_PER_TEAM, ANSWER_RATE = 200, 50, 0.77


class FixedClock:
    def now(self) -> datetime:
        return NOW


def generate(core: Core, seed: int = 1) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for every table, with member_stats aggregated exactly as the answer path and the
    reveal do (every drop here is revealed, so its points and correct answers are in)."""
    rng = random.Random(seed)
    questions = list(core.pack.questions)
    created = NOW - timedelta(days=400)
    days = [NOW.date() - timedelta(days=d) for d in range(364, -1, -1)]
    workdays = [d for d in days if d.weekday() < 5 and d <= NOW.date()]
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    rows["organisations"].append((1, "bench", "org-1", "Bench Org", True, created))
    stats: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    drop_id = answer_id = 0
    for t in range(1, TEAMS + 1):
        rows["teams"].append((t, 1, f"chan-{t}", f"Team {t:03d}", "UTC", created))
        team_members = []
        for m in range(MEMBERS_PER_TEAM):
            member_id = (t - 1) * MEMBERS_PER_TEAM + m + 1
            skill = rng.uniform(0.4, 0.9)
            team_members.append((member_id, skill))
            rows["members"].append((member_id, 1, f"u{member_id}", f"Member {member_id}", created))
        for seq, day in enumerate(workdays, start=1):
            drop_id += 1
            q = rng.choice(questions)
            opened = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            rows["drops"].append(
                (
                    drop_id,
                    t,
                    seq,
                    q.id,
                    "revealed",
                    ",".join(q.option_ids),
                    "at_close",
                    0,
                    None,
                    None,
                    opened,
                    opened + timedelta(hours=8),
                    opened + timedelta(hours=8),
                    opened + timedelta(hours=8),
                    opened + timedelta(hours=8),  # scored at its reveal, like every past drop
                )
            )
            starts = period_starts(day)
            for member_id, skill in team_members:
                if rng.random() > ANSWER_RATE:
                    continue
                answer_id += 1
                correct = rng.random() < skill
                points = 10 * q.difficulty if correct else 0
                at = opened + timedelta(minutes=rng.randrange(1, 470))
                rows["answers"].append(
                    (
                        answer_id,
                        drop_id,
                        member_id,
                        t,
                        q.domain_id,
                        sorted(q.key)[0],
                        correct,
                        points,
                        at,
                    )
                )
                for period, start in starts.items():
                    s = stats[(t, period.value, start, q.domain_id, member_id)]
                    s[0] += 1
                    s[1] += correct
                    s[2] += points
        rows["team_members"].extend(
            (t, member_id, created, False, 0, 0, 0) for member_id, _ in team_members
        )
    rows["member_stats"] = [(*k, *v) for k, v in stats.items()]
    return rows


COLUMNS = {
    "organisations": "id, platform, external_id, name, active, created_at",
    "teams": "id, org_id, channel_id, name, timezone, created_at",
    "members": "id, org_id, user_id, display_name, created_at",
    "drops": "id, team_id, seq, question_id, status, option_order, reveal_mode, selection_seed, "
    "occurrence_key, message_id, opened_at, closes_at, closed_at, revealed_at, scored_at",
    "team_members": "team_id, member_id, joined_at, is_admin, "
    "streak_current, streak_best, streak_last_seq",
    "answers": "id, drop_id, member_id, team_id, domain_id, option_ids, correct, points, "
    "answered_at",
    "member_stats": "team_id, period, period_start, domain_id, member_id, "
    "answered, correct, points",
}


async def load(
    db: Database, rows: dict[str, list[tuple[Any, ...]]], schema: str | None = None
) -> None:
    schema = schema or db.schema
    if db.dialect == "sqlite":
        path = make_url(db.url).database
        assert path
        con = sqlite3.connect(path)

        def naive(v: Any) -> Any:
            return v.replace(tzinfo=None).isoformat(sep=" ") if isinstance(v, datetime) else v

        for table, data in rows.items():
            marks = ", ".join("?" * len(data[0]))
            con.executemany(
                f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})",
                ([naive(v) for v in row] for row in data),
            )
        con.commit()
        con.execute("ANALYZE")
        con.close()
        return
    import asyncpg  # only for the bulk load; the measured queries go through SQLAlchemy

    url = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    con = await asyncpg.connect(url, server_settings={"search_path": schema or "public"})
    for table, data in rows.items():
        fixed = [
            tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row)
            for row in data
        ]
        await con.copy_records_to_table(
            table, records=fixed, columns=[c.strip() for c in COLUMNS[table].split(",")]
        )
    await con.execute("ANALYZE")
    await con.close()


async def baseline_team(
    core: Core, team_id: int, domain: str | None, since: datetime | None
) -> list[tuple[Any, ...]]:
    query = (
        select(
            answers.c.member_id,
            members.c.display_name,
            func.sum(answers.c.points),
            func.sum(cast(answers.c.correct, Integer)),
            func.count(),
        )
        .join(members, members.c.id == answers.c.member_id)
        .where(answers.c.team_id == team_id)
        .group_by(answers.c.member_id, members.c.display_name)
    )
    if domain:
        query = query.where(answers.c.domain_id == domain)
    if since:
        query = query.where(answers.c.answered_at >= since)
    async with core.db.read() as conn:
        return sorted((m, int(p), int(c), int(n)) for m, _, p, c, n in await conn.execute(query))


async def baseline_org(core: Core) -> list[tuple[Any, ...]]:
    query = (
        select(
            answers.c.team_id,
            answers.c.domain_id,
            func.count(),
            func.sum(cast(answers.c.correct, Integer)),
            func.count(func.distinct(answers.c.member_id)),
        )
        .join(teams, teams.c.id == answers.c.team_id)
        .where(teams.c.org_id == 1)
        .group_by(answers.c.team_id, answers.c.domain_id)
    )
    async with core.db.read() as conn:
        return sorted(
            tuple(int(v) if not isinstance(v, str) else v for v in row)
            for row in await conn.execute(query)
        )


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await fn()
    return (time.perf_counter() - started) * 1000


async def measure(core: Core, since: datetime, rng: random.Random, title: str, runs: int) -> None:
    """Time ours and the GROUP BY side by side, alternating which goes first."""
    cases: dict[str, list[float]] = defaultdict(list)
    org = ShowOrgReport("bench", "org-1", Period.ALL, actor=OPERATOR)
    for i in range(runs):
        team_id = rng.randrange(1, TEAMS + 1)
        channel = ChannelRef("bench", "org-1", f"chan-{team_id}")
        week = ShowLeaderboard(channel, Period.WEEK, "D3")
        ever = ShowLeaderboard(channel, Period.ALL)
        pairs: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("team, one domain, this week", partial(show_leaderboard, core, week)),
            (
                "team, one domain, this week/base",
                partial(baseline_team, core, team_id, "D3", since),
            ),
            ("team, overall, all time", partial(show_leaderboard, core, ever)),
            ("team, overall, all time/base", partial(baseline_team, core, team_id, None, None)),
        ]
        if i % 5 == 0:
            pairs += [
                ("organisation report, all time", partial(show_org_report, core, org)),
                ("organisation report, all time/base", partial(baseline_org, core)),
            ]
        if i % 2:
            pairs.reverse()
        for name, fn in pairs:
            cases[name].append(await timed(fn))
    print(f"-- {title}")
    for name in [n for n in cases if not n.endswith("/base")]:
        ours, theirs = cases[name], cases[f"{name}/base"]
        ratio = pct(theirs, 0.5) / pct(ours, 0.5)
        print(f"{name:<36}{row(ours)}{ratio:>25.1f}x")
        print(f"{'  plain GROUP BY over answers':<36}{row(theirs)}")


def row(values: list[float]) -> str:
    return f"{len(values):>6}{pct(values, 0.5):>10.2f}{pct(values, 0.95):>10.2f}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


async def run(args: argparse.Namespace) -> None:
    async with bench_database(args.database_url) as db:
        core = await build_core(Settings.from_env({}), database=db, clock=FixedClock())
        started = time.perf_counter()
        rows = generate(core)
        await load(core.db, rows)
        print(
            f"database: {db.dialect}; loaded {len(rows['teams'])} teams, "
            f"{len(rows['members'])} members, "
            f"{len(rows['drops'])} drops, {len(rows['answers'])} answers, "
            f"{len(rows['member_stats'])} aggregate rows in {time.perf_counter() - started:.0f} s"
        )
        week_start = period_start(Period.WEEK, NOW.date())
        since = datetime(week_start.year, week_start.month, week_start.day, tzinfo=UTC)
        rng = random.Random(5)

        # correctness: both ways agree
        for team_id in rng.sample(range(1, TEAMS + 1), 5):
            channel = ChannelRef("bench", "org-1", f"chan-{team_id}")
            for domain, period, cut in (("D3", Period.WEEK, since), (None, Period.ALL, None)):
                view = await show_leaderboard(
                    core, ShowLeaderboard(channel, period, domain, limit=50)
                )
                ours = sorted((r.member_id, r.points, r.correct, r.answered) for r in view.rows)
                assert ours == await baseline_team(core, team_id, domain, cut), (team_id, domain)
        report = await show_org_report(
            core, ShowOrgReport("bench", "org-1", Period.ALL, actor=OPERATOR)
        )
        assert sum(t.answers for t in report.teams) == len(rows["answers"])
        base = await baseline_org(core)
        assert sum(r[2] for r in base) == len(rows["answers"])
        print("check: aggregate and GROUP BY agree (5 teams x 2 leaderboards, org totals)")

        print(f"{'query (ms)':<36}{'runs':>6}{'p50':>10}{'p95':>10}{'GROUP BY p50 / ours p50':>26}")
        await measure(core, since, rng, "schema as shipped", args.plain_runs)
        async with core.db.write() as conn:
            await conn.execute(
                text("CREATE INDEX ix_bench_answers ON answers (team_id, answered_at)")
            )
            await conn.execute(text("ANALYZE"))
        await measure(
            core,
            since,
            rng,
            "GROUP BY helped by an index on answers (team_id, answered_at)",
            args.runs,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=200, help="runs with the baseline's index")
    parser.add_argument("--plain-runs", type=int, default=20, help="runs on the schema as shipped")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
