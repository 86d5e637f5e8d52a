"""Health endpoints: GET /healthz (database reachable, which exam pack is loaded), GET /livez (the
process answers) and GET /readyz (ready to serve and deliver: database, schema, pack, drop engine,
clock skew against the database server)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.service.context import Core
from bot.service.health import database_reachable, readiness


def health_router(core: Core) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        if not await database_reachable(core):
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
        found = await readiness(core)
        body: dict[str, object] = {
            "status": "ready" if found.ready else "not ready",
            "checks": found.checks,
            "clock_skew_seconds": found.clock_skew_seconds,
            "last_tick_at": found.last_tick_at.isoformat() if found.last_tick_at else None,
        }
        return JSONResponse(body, status_code=200 if found.ready else 503)

    return router
