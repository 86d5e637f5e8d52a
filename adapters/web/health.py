"""Health endpoints: GET /healthz (database reachable, which exam pack is loaded), GET /livez (the
process answers) and GET /readyz (ready to serve and deliver: database, schema, pack, drop engine,
clock skew against the database server)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.service.context import Core
from bot.storage.database import DatabaseUnavailableError
from bot.storage.migrate import current_revision, head_revision


def health_router(core: Core) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        try:
            await core.db.check()
        except DatabaseUnavailableError:
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse(
            {
                "status": "ok",
                "database": core.db.dialect,
                "exam": core.pack.exam.code,
                "questions": len(core.pack.questions),
            }
        )

    @router.get("/livez", include_in_schema=False)
    async def livez() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await core.db.check()
            checks["database"] = "ok"
            revision, head = await current_revision(core.db), head_revision()
            checks["schema"] = "ok" if revision == head else f"at {revision}, expected {head}"
        except DatabaseUnavailableError:
            checks["database"] = "unreachable"
            checks["schema"] = "unknown"
        checks["pack"] = "ok" if core.pack.questions else "no questions loaded"
        engine = core.engine
        if not engine.running:
            checks["engine"] = "off in this process"
        elif engine.ticked_recently(core.clock.now()):
            checks["engine"] = "ok"
        else:
            checks["engine"] = "has not ticked within the last three ticks"
        if engine.clock_error:
            checks["clock"] = engine.clock_error
        else:
            checks["clock"] = "ok"
        ready = all(v in ("ok", "off in this process") for v in checks.values())
        body: dict[str, object] = {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            "clock_skew_seconds": (
                None if engine.skew is None else round(engine.skew.total_seconds(), 3)
            ),
            "last_tick_at": engine.last_tick_at.isoformat() if engine.last_tick_at else None,
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    return router
