"""An organisation's pages read only its own rows: no query behind the dashboard, the admin
schedules page or the JSON API scans a whole table of every organisation's memberships, members,
schedules, drops or scores (SQLite's query plans; the benchmark in docs/performance.md measures
the same with 100 organisations)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import event

from bot.service.commands import SaveSchedule
from bot.service.context import Core
from bot.service.schedules import save_schedule
from tests.support.actors import OPERATOR
from tests.web.dashboard_support import ALPHA, ALPHA_2, BETA, seed, sign_in, token

# Tables that grow with every organisation; a SCAN of one makes each page cost more per tenant.
SHARED = (
    "team_members", "members", "schedules", "drops", "member_stats", "answers",
    "skipped_occurrences", "audit_events",
)  # fmt: skip
SCHEDULE = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h"}


async def test_no_page_scans_every_organisations_rows(core: Core, web: httpx.AsyncClient) -> None:
    if core.db.dialect != "sqlite":
        return  # the plans are SQLite's; PostgreSQL's depend on its statistics
    await seed(core, drops=2)
    for channel in (ALPHA, ALPHA_2, BETA):
        await save_schedule(core, SaveSchedule(channel, SCHEDULE, actor=OPERATOR))
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))

    auth = {"Authorization": f"Bearer {token('manager', 'T-ALPHA', now=core.clock.now())}"}
    await sign_in(web, core, role="admin")
    event.listen(core.db.engine.sync_engine, "before_cursor_execute", record)
    try:
        for path in ("/dashboard", "/dashboard?period=all", "/admin/schedules"):
            assert (await web.get(path)).status_code == 200, path
        for path in ("/api/v1/teams", "/api/v1/schedules"):
            assert (await web.get(path, headers=auth)).status_code == 200, path
    finally:
        event.remove(core.db.engine.sync_engine, "before_cursor_execute", record)
    assert statements
    scans = set()
    async with core.db.read() as conn:
        for sql, params in statements:
            plan = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            for *_, detail in plan:
                words = str(detail).split()
                if words[:1] == ["SCAN"] and words[1] in SHARED:
                    scans.add((words[1], " ".join(sql.split())[:200]))
    assert scans == set(), scans
