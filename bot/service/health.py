"""Whether this process can serve (the database answers) and is ready to serve and deliver
(database, schema, content pack, drop engine, clock against the database server)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.service.context import Core
from bot.storage.database import DatabaseUnavailableError
from bot.storage.migrate import current_revision, head_revision

OK = "ok"
ENGINE_OFF = "off in this process"  # a web-only replica: ready without an engine


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # each check's "ok" or what is wrong
    clock_skew_seconds: float | None
    last_tick_at: datetime | None

    @property
    def ready(self) -> bool:
        return all(v in (OK, ENGINE_OFF) for v in self.checks.values())


async def database_reachable(core: Core) -> bool:
    try:
        await core.db.check()
    except DatabaseUnavailableError:
        return False
    return True


async def readiness(core: Core) -> Readiness:
    checks: dict[str, str] = {}
    if await database_reachable(core):
        checks["database"] = OK
        revision, head = await current_revision(core.db), head_revision()
        checks["schema"] = OK if revision == head else f"at {revision}, expected {head}"
    else:
        checks["database"], checks["schema"] = "unreachable", "unknown"
    checks["pack"] = OK if core.pack.questions else "no questions loaded"
    engine = core.engine
    if not engine.running:
        checks["engine"] = ENGINE_OFF
    elif engine.ticked_recently(core.clock.now()):
        checks["engine"] = OK
    else:
        checks["engine"] = "has not ticked within the last three ticks"
    checks["clock"] = engine.clock_error or OK
    skew = None if engine.skew is None else round(engine.skew.total_seconds(), 3)
    return Readiness(checks, skew, engine.last_tick_at)
